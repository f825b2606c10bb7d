// CPU accounting from Linux /proc, to say where the machine's time went during a run. Every
// function returns undefined where /proc is not there (not Linux) instead of failing the run.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

let ticks: number | undefined;
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** [comm, utime + stime in ticks] of one process; `comm` may contain spaces and parentheses. */
function readStat(pid: number | string): [string, number] | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  const open = stat.indexOf("(");
  const close = stat.lastIndexOf(")");
  // Fields after ")" start at field 3 (state); utime and stime are fields 14 and 15.
  const rest = stat.slice(close + 2).split(" ");
  return [stat.slice(open + 1, close), Number(rest[11]) + Number(rest[12])];
}

function commandLine(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8");
  } catch {
    return "";
  }
}

export function procCpuSeconds(pid: number): number | undefined {
  const s = readStat(pid);
  return s === undefined ? undefined : s[1] / clockTicks();
}

/**
 * CPU seconds of every live process named `comm` (e.g. all PostgreSQL backends and workers), or
 * only of those whose command line holds `argsHolding` (a PostgreSQL backend's holds its database).
 */
export function cpuSecondsByName(comm: string, argsHolding?: string): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  let total = 0;
  for (const pid of pids) {
    const s = readStat(pid);
    if (s && s[0] === comm && (argsHolding === undefined || commandLine(pid).includes(argsHolding))) total += s[1];
  }
  return total / clockTicks();
}

/** This process's own CPU seconds (user + system). */
export function selfCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

export interface SystemCpu {
  /** All CPUs together, in seconds. */
  busy: number;
  idle: number;
  /** Time the hypervisor ran something else while this VM wanted the CPU. */
  steal: number;
}

/** Machine-wide CPU time since boot from /proc/stat, summed over all CPUs. */
export function systemCpu(): SystemCpu | undefined {
  let line: string | undefined;
  try {
    line = readFileSync("/proc/stat", "utf8").split("\n")[0];
  } catch {
    return undefined;
  }
  // cpu user nice system idle iowait irq softirq steal guest guest_nice
  const f = (line ?? "").trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  const t = clockTicks();
  return { busy: (user + nice + system + irq + softirq) / t, idle: (idle + iowait) / t, steal: steal / t };
}
