/** Times as a person reads them: in the configured zone (config TIME_ZONE), with the zone named. */

const formats = new Map<string, Intl.DateTimeFormat>();

function formatOf(timeZone: string, seconds: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${seconds}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      ...(seconds ? { second: "2-digit" } : {}),
      hourCycle: "h23",
    });
    formats.set(key, f);
  }
  return f;
}

/** "2026-12-06 18:00 (Asia/Shanghai)": the same shape in either language, sortable, the zone spelled out. */
export function formatTime(at: Date | string, timeZone: string, opts: { seconds?: boolean } = {}): string {
  const date = typeof at === "string" ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) return String(at);
  const parts: Record<string, string> = {};
  for (const p of formatOf(timeZone, opts.seconds ?? false).formatToParts(date)) parts[p.type] = p.value;
  const time = `${parts.hour}:${parts.minute}${opts.seconds ? `:${parts.second}` : ""}`;
  return `${parts.year}-${parts.month}-${parts.day} ${time} (${timeZone})`;
}
