import pino, { type DestinationStream } from "pino";
import { redact, type LogFields, type LogLevel, type Logger } from "../logger";

/**
 * Node's logger: pino behind the app's Logger interface. Lines keep the shape of jsonLogger
 * (`level` as a word, `time` in ISO 8601, `msg`) and pass through the same redaction, which
 * goes by field name at any depth (pino's own redaction needs every path spelled out).
 * Writes are synchronous by default so the last lines before `process.exit` are not lost.
 */
export function pinoLogger(opts: { destination?: DestinationStream; level?: LogLevel } = {}): Logger {
  const log = pino(
    {
      level: opts.level ?? "info",
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    opts.destination ?? pino.destination({ dest: 1, sync: true }),
  );
  const at = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    if (fields) log[level](redact(fields) as object, msg);
    else log[level](msg);
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}
