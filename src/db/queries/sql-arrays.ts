import { sql, type SQL } from "drizzle-orm";

/**
 * A whole column of values as one array parameter, for `unnest($1::text[], $2::bigint[], …)`.
 * drizzle would otherwise expand an array into one parameter per value and inspect each of them;
 * a 500-row insert of 17 columns cost more CPU in drizzle than in PostgreSQL (BENCHMARKS.md).
 * Both drivers serialize a JS array as a PostgreSQL array (with NULLs) once the cast names its type.
 * Pass strings and numbers only: postgres.js types an array of booleans, Dates or bigints by its
 * first element (boolean, not boolean[]), and drizzle hands timestamptz[] through unserialized.
 */
export const arr = (values: readonly unknown[]): SQL => sql`${sql.param(values)}`;

/** Rows of `db.execute`: postgres.js answers the row list itself, PGlite `{ rows }`. */
export function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return (result as { rows?: T[] }).rows ?? [];
}
