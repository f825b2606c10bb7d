// Memory of a process from Linux /proc/<pid>/status, and other benchmarks running on the machine
// (from /proc/*/cmdline). Like proc.ts, every function answers undefined (or nothing) where /proc
// is not there instead of failing the run.
import { readdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { procCpuSeconds } from "./proc";

export interface ProcMemory {
  /** Peak resident set size so far ("high water mark"), in KiB. */
  hwmKiB: number;
  /** Resident set size now, in KiB. */
  rssKiB: number;
}

export function procMemory(pid: number): ProcMemory | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return undefined;
  }
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status);
    return m ? Number(m[1]) : undefined;
  };
  const hwmKiB = field("VmHWM");
  const rssKiB = field("VmRSS");
  return hwmKiB === undefined || rssKiB === undefined ? undefined : { hwmKiB, rssKiB };
}

export const mib = (kib: number | undefined) => (kib === undefined ? "?" : (kib / 1024).toFixed(1));

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the last ")" start at field 3 (state); ppid is field 4.
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/**
 * Processes other than this one and its ancestors (npm, the tsx CLI) whose command line contains
 * `pattern`, e.g. "bench/run.ts": another benchmark sharing the machine's cores.
 */
export function otherProcesses(pattern: string): { pid: number; cmd: string }[] {
  const mine = new Set<number>();
  for (let p: number | undefined = process.pid; p !== undefined && p > 1 && !mine.has(p); p = parentOf(p)) mine.add(p);
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  const out: { pid: number; cmd: string }[] = [];
  for (const d of pids) {
    const pid = Number(d);
    if (mine.has(pid)) continue;
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").join(" ").trim();
    } catch {
      continue;
    }
    if (cmd.includes(pattern)) out.push({ pid, cmd });
  }
  return out;
}

function cpuTicksByPid(): Map<number, { name: string; seconds: number }> {
  const out = new Map<number, { name: string; seconds: number }>();
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const d of pids) {
    const seconds = procCpuSeconds(Number(d));
    if (seconds === undefined) continue;
    let name = "?";
    try {
      name =
        readFileSync(`/proc/${d}/cmdline`, "utf8").split("\0").join(" ").trim().slice(0, 80) ||
        readFileSync(`/proc/${d}/comm`, "utf8").trim();
    } catch {
      // gone meanwhile
    }
    out.set(Number(d), { name, seconds });
  }
  return out;
}

/** The processes that used the most CPU during `ms` milliseconds, busiest first. */
export async function busiestProcesses(ms: number, top = 3): Promise<{ pid: number; name: string; seconds: number }[]> {
  const a = cpuTicksByPid();
  await sleep(ms);
  const b = cpuTicksByPid();
  const used: { pid: number; name: string; seconds: number }[] = [];
  for (const [pid, after] of b) {
    const s = after.seconds - (a.get(pid)?.seconds ?? 0);
    if (s > 0) used.push({ pid, name: after.name, seconds: s });
  }
  return used.sort((x, y) => y.seconds - x.seconds).slice(0, top);
}
