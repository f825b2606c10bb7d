import { sql } from "drizzle-orm";
import { bigint, index, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One-time codes that open the first-run setup page while no team exists (docs/operations.md#first-run).
 * Only the SHA-256 of a code is stored; the code itself is printed once, in the log of the
 * instance that made it. Rows live here, not in process memory, because several instances share
 * one database and any of them may serve the form. A code is spent by a conditional update.
 */
export const setupCodes = pgTable(
  "setup_codes",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    codeHash: text("code_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [
    index("setup_codes_open")
      .on(t.expiresAt)
      .where(sql`${t.usedAt} is null`),
  ],
);
