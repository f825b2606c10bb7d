import { integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One access token per (corp, app), shared by every instance (docs/wecom.md#access-token). A failed
 * gettoken is remembered per secret fingerprint so a bad secret is not retried into an IP block.
 */
export const wecomTokens = pgTable(
  "wecom_tokens",
  {
    corpId: text("corp_id").notNull(),
    agentId: text("agent_id").notNull(),
    secretFingerprint: text("secret_fingerprint").notNull(),
    accessToken: text("access_token"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    fetchedAt: timestamp("fetched_at", { withTimezone: true }),
    failedErrcode: integer("failed_errcode"),
    failedErrmsg: text("failed_errmsg"),
    failedUntil: timestamp("failed_until", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.corpId, t.agentId] })],
);

/** Calls per (corp, API, window), so every instance draws on one budget (docs/wecom.md#rate-limits). */
export const wecomRateWindows = pgTable(
  "wecom_rate_windows",
  {
    corpId: text("corp_id").notNull(),
    api: text("api").notNull(),
    windowStart: timestamp("window_start", { withTimezone: true }).notNull(),
    calls: integer("calls").notNull(),
  },
  (t) => [primaryKey({ columns: [t.corpId, t.api, t.windowStart] })],
);
