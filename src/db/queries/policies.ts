import { eq } from "drizzle-orm";
import { teamPolicies, type DeletionPolicy } from "../schema";
import type { Db } from "../types";

export type PolicyRow = typeof teamPolicies.$inferSelect;

export async function readPolicy(db: Db, p: { teamId: number }): Promise<PolicyRow> {
  const rows = await db.select().from(teamPolicies).where(eq(teamPolicies.teamId, p.teamId)).limit(1);
  // docs/sync.md#deletion-policies: the default is lock.
  return rows[0] ?? { teamId: p.teamId, onMemberDeleted: "lock", lastGoodListingSize: null, lastSuccessAt: null, updatedAt: new Date(0) };
}

export async function writePolicy(db: Db, p: { teamId: number; onMemberDeleted: DeletionPolicy; now: Date }): Promise<void> {
  await db
    .insert(teamPolicies)
    .values({ teamId: p.teamId, onMemberDeleted: p.onMemberDeleted, updatedAt: p.now })
    .onConflictDoUpdate({ target: teamPolicies.teamId, set: { onMemberDeleted: p.onMemberDeleted, updatedAt: p.now } });
}

export async function recordGoodRun(db: Db, p: { teamId: number; listingSize: number; now: Date }): Promise<void> {
  await db
    .insert(teamPolicies)
    .values({ teamId: p.teamId, lastGoodListingSize: p.listingSize, lastSuccessAt: p.now, updatedAt: p.now })
    .onConflictDoUpdate({ target: teamPolicies.teamId, set: { lastGoodListingSize: p.listingSize, lastSuccessAt: p.now } });
}
