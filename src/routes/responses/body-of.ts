import type { z } from "zod";

/** What `c.json(value)` sends for a value of type `T`: dates become ISO strings. */
export type Sent<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Sent<U>[]
    : T extends object
      ? { [K in keyof T]: Sent<T[K]> }
      : T;

/** The same type, optional fields included (the usual identity test of two generic signatures). */
type Same<A, B> = (<G>() => G extends A ? 1 : 2) extends <G>() => G extends B ? 1 : 2 ? true : false;
type Agrees<S extends z.ZodType, T> = Same<Sent<T>, z.output<S>> extends true ? unknown : never;

/**
 * A response schema that describes what a verb answers, `bodyOf<T>()(schema)`: it does not compile
 * when the verb's type `T` and the schema disagree either way (a field missing, added or of another
 * type), so the description cannot drift from the code (docs/http-api.md#openapi-description).
 */
export const bodyOf =
  <T>() =>
  <S extends z.ZodType>(schema: S & Agrees<S, T>): S =>
    schema;
