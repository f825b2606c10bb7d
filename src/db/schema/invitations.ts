import { sql } from "drizzle-orm";
import { bigint, index, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { members } from "./directory";
import { teams } from "./teams";

export const INVITATION_DELIVERIES = ["sent", "invalid_user", "failed"] as const;
export type InvitationDelivery = (typeof INVITATION_DELIVERIES)[number];

/**
 * An invitation of a WeCom member without an account to join the team. Only the SHA-256 of the
 * link's token is stored (base64url): the raw token exists only in the card sent to the member.
 * At most one open (not consumed, not revoked) invitation per member; a re-send revokes it first.
 * `delivery` is null until the send's outcome is known.
 */
export const invitations = pgTable(
  "invitations",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    teamId: bigint("team_id", { mode: "number" })
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    memberId: bigint("member_id", { mode: "number" })
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    /** The invitee's lower-cased userid. */
    wecomUserKey: text("wecom_user_key").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    consumedAt: timestamp("consumed_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    delivery: text("delivery").$type<InvitationDelivery>(),
    deliveryError: text("delivery_error"),
    msgId: text("msg_id"),
  },
  (t) => [
    uniqueIndex("invitations_token_hash").on(t.tokenHash),
    uniqueIndex("invitations_open_member")
      .on(t.memberId)
      .where(sql`${t.consumedAt} is null and ${t.revokedAt} is null`),
    index("invitations_member_created").on(t.memberId, t.createdAt),
    index("invitations_team").on(t.teamId),
  ],
);
