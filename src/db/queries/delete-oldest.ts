import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../types";
import { rowsOf } from "./sql-arrays";

/**
 * One round of a retention: deletes at most `limit` rows of `table` matching `where`, lowest ids
 * (the oldest) first, in one short statement; answers how many went. `where` names the table's
 * columns qualified by `table`.
 */
export async function deleteOldest(db: Db, p: { table: string; where: SQL; limit: number }): Promise<number> {
  const table = sql.identifier(p.table);
  const [row] = rowsOf<{ n: number | string }>(
    await db.execute(sql`
      with gone as (
        delete from ${table} where id in (select id from ${table} where (${p.where}) order by id limit ${p.limit})
        returning 1
      )
      select count(*) as n from gone`),
  );
  return Number(row?.n ?? 0);
}
