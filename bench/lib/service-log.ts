import { readFileSync } from "node:fs";

/** Warnings and errors in a JSON-lines server log, counted per message, with one sample each. */
export function logProblems(file: string): { count: number; byMessage: Map<string, { n: number; sample: string }> } {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return { count: 0, byMessage: new Map() };
  }
  const byMessage = new Map<string, { n: number; sample: string }>();
  let count = 0;
  for (const line of text.split("\n")) {
    const m = /"level":"(?:warn|error)".*?"msg":"([^"]*)"/.exec(line);
    if (!m) continue;
    count++;
    const seen = byMessage.get(m[1] ?? "");
    if (seen) seen.n++;
    else byMessage.set(m[1] ?? "", { n: 1, sample: line.slice(0, 400) });
  }
  return { count, byMessage };
}
