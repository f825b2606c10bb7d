import { sql } from "drizzle-orm";
import { bigint, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const teams = pgTable("teams", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** One WeCom self-built app per team. Secret, Token and EncodingAESKey are sealed (secret-box). */
export const wecomBindings = pgTable("wecom_bindings", {
  teamId: bigint("team_id", { mode: "number" })
    .primaryKey()
    .references(() => teams.id, { onDelete: "cascade" }),
  corpId: text("corp_id").notNull(),
  agentId: text("agent_id").notNull(),
  secretSealed: text("secret_sealed").notNull(),
  tokenSealed: text("token_sealed").notNull(),
  aesKeySealed: text("aes_key_sealed").notNull(),
  adminUserIds: jsonb("admin_user_ids")
    .$type<string[]>()
    .notNull()
    .default(sql`'[]'::jsonb`),
  scopeDepartmentIds: jsonb("scope_department_ids").$type<number[]>(),
  version: integer("version").notNull().default(1),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
