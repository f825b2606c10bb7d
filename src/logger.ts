export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const SECRET_KEY = /secret|token|aes|password|encrypt|cookie|authorization/i;

/** Secrets are never logged: any field whose name looks like one is replaced, at any depth. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== "object") return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? "[redacted]" : redact(v, depth + 1);
  return out;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * One JSON line per event: `level`, `time`, `msg`, then the fields — the same shape as Node's
 * pino lines (src/entry/pino-logger.ts), so one log pipeline reads both runtimes.
 */
export function jsonLogger(write: (line: string) => void, minLevel: LogLevel = "info"): Logger {
  const log = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (ORDER[level] < ORDER[minLevel]) return;
    write(JSON.stringify({ level, time: new Date().toISOString(), msg, ...(redact(fields ?? {}) as LogFields) }));
  };
  return { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * A logger that adds `fields` to every line (a request's id; a job's team and id): whatever runs
 * for that request or job logs them without passing them along by hand. The event's own fields win.
 */
export function withFields(logger: Logger, fields: LogFields): Logger {
  const at = (level: LogLevel) => (msg: string, own?: LogFields) => logger[level](msg, own ? { ...fields, ...own } : fields);
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
