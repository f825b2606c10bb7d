// A poor man's pg_stat_statements for profiling runs: with `log_min_duration_statement = 0` set on
// the scratch database, PostgreSQL logs every statement of every session with its duration; this
// reads the server's log between two offsets and adds them up per statement. Parse, bind and
// execute of one extended-protocol query travel together, so "executes + simple statements" is the
// number of round trips. Needs the server log file to be readable (BENCH_PG_LOG names it).
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { int, table } from "./report";

export interface StatementStats {
  /** The statement's text, cut to 140 characters (drizzle's parameters are $n, so texts repeat). */
  statement: string;
  /** Executions (extended protocol) or simple-query statements. */
  count: number;
  /** Parse + bind + execute time inside PostgreSQL, ms. */
  ms: number;
}

export interface LogSummary {
  statements: StatementStats[];
  roundTrips: number;
  totalMs: number;
}

export function logOffset(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function readRange(file: string, from: number, to: number): string {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(Math.max(0, to - from));
    let read = 0;
    while (read < buf.length) {
      const n = readSync(fd, buf, read, buf.length - read, from + read);
      if (n === 0) break;
      read += n;
    }
    return buf.subarray(0, read).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

const LINE = /duration: ([\d.]+) ms\s+(?:(parse|bind|execute) [^:]*|statement): (.*)$/;

/** Statements of database `dbName` logged between two offsets of the server log, costliest first. */
export function summarizeLog(file: string, from: number, to: number, dbName: string): LogSummary {
  const byText = new Map<string, StatementStats>();
  let roundTrips = 0;
  let totalMs = 0;
  // A statement written over several lines continues on lines that start with a tab.
  for (const line of readRange(file, from, to).replace(/\n\t/g, " ").split("\n")) {
    if (!line.includes(`@${dbName} `)) continue;
    const m = LINE.exec(line);
    if (!m) continue;
    const ms = Number(m[1]);
    const kind = m[2];
    const text = (m[3] ?? "").replace(/\s+/g, " ").trim().slice(0, 140);
    let s = byText.get(text);
    if (!s) byText.set(text, (s = { statement: text, count: 0, ms: 0 }));
    s.ms += ms;
    totalMs += ms;
    if (kind === undefined || kind === "execute") {
      s.count++;
      roundTrips++;
    }
  }
  return { statements: [...byText.values()].sort((a, b) => b.ms - a.ms), roundTrips, totalMs };
}

/**
 * Makes every session opened on `dbName` from now on log each statement with its duration (and, with
 * `explainMs` > 0, the plan of each statement slower than that, through auto_explain).
 */
export async function logEveryStatement(
  admin: { unsafe: (q: string) => PromiseLike<unknown> },
  dbName: string,
  explainMs = 0,
): Promise<void> {
  const settings = ["log_min_duration_statement = 0", "log_parameter_max_length = 0", "log_statement = 'none'"];
  if (Number.isInteger(explainMs) && explainMs > 0)
    settings.push("session_preload_libraries = 'auto_explain'", `auto_explain.log_min_duration = ${explainMs}`);
  for (const setting of settings) await admin.unsafe(`alter database ${dbName} set ${setting}`);
}

/** Prints a summary: round trips, time inside PostgreSQL and the costliest statements. */
export function printLogSummary(what: string, summary: LogSummary, top = 15): void {
  console.log("");
  console.log(
    `Statements during ${what} (server log): ${int(summary.roundTrips)} round trips, ${int(summary.totalMs)} ms inside PostgreSQL; costliest:`,
  );
  console.log(
    table(
      ["count", "total ms", "avg ms", "statement"],
      summary.statements
        .slice(0, top)
        .map((st) => [int(st.count), int(st.ms), st.count ? (st.ms / st.count).toFixed(2) : "–", st.statement]),
      [true, true, true, false],
    ),
  );
}
