import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema";

/** Either driver (PGlite or postgres.js) behind drizzle; a transaction has the same shape. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
