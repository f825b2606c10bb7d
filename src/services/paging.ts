import { z } from "zod";

/**
 * Cursors, limits and ids from a query string: plain decimal digits only, at most 15 of them (a
 * safe integer, inside bigint), so `1e309`, `1.5`, `0x10` or `-1` are a 422 naming the field,
 * never a value the database refuses with a 500. Empty is the same as absent.
 */
const DIGITS = /^(\d{1,15})?$/;

export const QUERY_PROBLEM = "查询参数有误 / Invalid query parameters";

/** A keyset cursor (an id, 0 = from the start) or another id. */
export const queryId = () =>
  z.string().regex(DIGITS, { error: "由上一页返回的数字 / a number as returned by the previous page" }).optional();

/** A page size within 1…max. */
export const queryLimit = (max: number) =>
  z
    .string()
    .regex(DIGITS, { error: `1–${max}`, abort: true })
    .refine((v) => v === "" || (Number(v) >= 1 && Number(v) <= max), { error: `1–${max}` })
    .optional();

/** A parsed query value as a number; absent or empty → `fallback`. */
export function pageNumber(value: string | undefined, fallback: number): number;
export function pageNumber(value: string | undefined, fallback?: number): number | undefined;
export function pageNumber(value: string | undefined, fallback?: number): number | undefined {
  return value === undefined || value === "" ? fallback : Number(value);
}
