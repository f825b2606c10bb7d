import { bigint, index, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * A person's login, independent of any team: team standing lives on `members` (role, status,
 * account_id). `usernameKey` is the lower-cased username under a unique index, so "Zhang" and
 * "zhang" cannot both register, without a check-then-insert race.
 */
export const accounts = pgTable(
  "accounts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    username: text("username").notNull(),
    usernameKey: text("username_key").notNull(),
    name: text("name").notNull(),
    /** Lower-cased, so later matching compares it case-insensitively. */
    email: text("email"),
    /** `scrypt$N$r$p$salt$hash` (security/password.ts). */
    passwordHash: text("password_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("accounts_username_key").on(t.usernameKey), index("accounts_email").on(t.email)],
);

/**
 * A logged-in browser. Only the SHA-256 of the cookie's token is stored, so a leaked table (or
 * backup) cannot be replayed as sessions.
 */
export const sessions = pgTable(
  "sessions",
  {
    tokenHash: text("token_hash").primaryKey(),
    accountId: bigint("account_id", { mode: "number" })
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("sessions_account").on(t.accountId), index("sessions_expires").on(t.expiresAt)],
);

/**
 * Login attempts per throttle key (`user:<username key>`, `ip:<address>`) in a fixed window that
 * starts at the first attempt. Kept in PostgreSQL so every instance counts against one budget.
 */
export const loginAttempts = pgTable(
  "login_attempts",
  {
    key: text("key").primaryKey(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    attempts: integer("attempts").notNull(),
  },
  (t) => [index("login_attempts_window").on(t.windowStart)],
);
