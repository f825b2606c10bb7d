/** The port of the `listening` line: the service logs one JSON object per line (pino). */
export function listeningPort(out: string): number | undefined {
  // The last element may be a line still being written: only whole lines are read.
  for (const line of out.split("\n").slice(0, -1)) {
    if (!line.startsWith("{")) continue;
    const parsed = JSON.parse(line) as { msg?: string; port?: number };
    if (parsed.msg === "listening" && typeof parsed.port === "number") return parsed.port;
  }
  return undefined;
}
