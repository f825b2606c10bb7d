import { z } from "zod";
import { AppError, type FieldProblem } from "../errors";

export const REQUIRED = "必填 / required";
export const INVALID_FIELDS = "输入有误 / Some fields are invalid";

/** A string field matching `pattern`; absent or null is "required", anything else `message`. */
export const text = (pattern: RegExp, message: string) =>
  z.string({ error: (issue) => (issue.input == null ? REQUIRED : message) }).regex(pattern, { error: message, abort: true });

/** A positive safe integer id in a JSON body. */
export const positiveId = (message: string) => z.int({ error: message }).min(1, { error: message });

/**
 * `pairs[0].memberId`; a bad element of a list of plain values names the list (`adminUserIds`), as
 * the list's one message covers its elements.
 */
function fieldOf(path: readonly PropertyKey[]): string {
  const end = typeof path[path.length - 1] === "number" ? path.slice(0, -1) : path;
  return end.reduce<string>(
    (out, key) => (typeof key === "number" ? `${out}[${key}]` : out === "" ? String(key) : `${out}.${String(key)}`),
    "",
  );
}

const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Parses one input against its schema (docs/http-api.md#error-codes): every field problem at once, one
 * per field, as 422 validation_failed with `message`. A value that is not a JSON object where one is
 * expected is 400 bad_request, or a problem of the field `rootField` when one is named, or with
 * `lenient` read as `{}` so that its fields are named as missing.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  opts: { message?: string; rootField?: string; lenient?: boolean } = {},
): z.output<S> {
  const parsed = schema.safeParse(opts.lenient && !isObject(input) ? {} : input);
  if (parsed.success) return parsed.data;
  const problems: FieldProblem[] = [];
  for (const issue of parsed.error.issues) {
    if (issue.path.length === 0 && !opts.rootField)
      throw new AppError("bad_request", "请求体必须是 JSON 对象 / The request body must be a JSON object");
    const field = issue.path.length === 0 ? opts.rootField! : fieldOf(issue.path);
    if (!problems.some((p) => p.field === field)) problems.push({ field, message: issue.message });
  }
  throw new AppError("validation_failed", opts.message ?? INVALID_FIELDS, problems);
}
