import os from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import type postgres from "postgres";
import { systemCpu } from "./proc";
import { otherProcesses } from "./proc-status";

/** One line describing the machine, for pasting next to the numbers. */
export function machine(extra: string[] = []): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? "unknown CPU";
  const memGiB = (os.totalmem() / 2 ** 30).toFixed(0);
  return [
    `${model}, ${cpus.length} cores (os.cpus())`,
    `${memGiB} GiB RAM`,
    `${os.type()} ${os.release()}`,
    `Node ${process.version}`,
    ...extra,
  ].join(" · ");
}

/** A Markdown table, columns padded so it also reads well in a terminal. */
export function table(header: string[], rows: string[][], rightAlign: boolean[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const cell = (v: string, i: number) => (rightAlign[i] ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0));
  const line = (cells: string[]) => `| ${cells.map(cell).join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (rightAlign[i] ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

export const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : "–");
export const int = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString("en-US") : "–");

/** The machine line with the PostgreSQL server's version, asked of `admin` (any postgres.js client). */
export async function machineWithPostgres(admin: postgres.Sql): Promise<string> {
  const [version] = await admin<{ server_version: string }[]>`show server_version`;
  return machine([`PostgreSQL ${version?.server_version ?? "?"}`]);
}

/**
 * Prints the machine line every benchmark starts with: the machine and PostgreSQL server, how busy
 * the machine was over the last second, and a warning when another benchmark runs beside this one.
 * Returns the machine line for the report's end.
 */
export async function announceMachine(admin: postgres.Sql): Promise<string> {
  const line = await machineWithPostgres(admin);
  console.log(`Machine: ${line}; ${await machineBusy()} busy over the last second`);
  const others = otherProcesses("bench/run.ts");
  if (others.length > 0)
    console.log(`Warning: other benchmarks are running (${others.map((o) => o.pid).join(", ")}): numbers will be noisy`);
  return line;
}

/** How busy the machine was over the last second, as a percentage. */
export async function machineBusy(): Promise<string> {
  const a = systemCpu();
  await sleep(1000);
  const b = systemCpu();
  if (!a || !b) return "?";
  const busy = b.busy - a.busy;
  return `${((100 * busy) / (busy + b.idle - a.idle)).toFixed(0)} %`;
}
