import type { FieldProblem } from "../errors";

/**
 * Cursors, limits and ids from a query string: plain decimal digits only, at most 15 of them (a
 * safe integer, inside bigint), so `1e309`, `1.5`, `0x10` or `-1` are a 422 naming the field,
 * never a value the database refuses with a 500.
 */
const DIGITS = /^\d{1,15}$/;

/** A keyset cursor (an id, 0 = from the start); absent or empty → `fallback`. */
export function queryId(value: string | undefined, field: string, problems: FieldProblem[], fallback?: number): number | undefined {
  if (value === undefined || value === "") return fallback;
  if (!DIGITS.test(value)) {
    problems.push({ field, message: "由上一页返回的数字 / a number as returned by the previous page" });
    return fallback;
  }
  return Number(value);
}

/** A page size within 1…max; absent or empty → `fallback`. */
export function queryLimit(value: string | undefined, problems: FieldProblem[], fallback: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const n = DIGITS.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= max)) {
    problems.push({ field: "limit", message: `1–${max}` });
    return fallback;
  }
  return n;
}
