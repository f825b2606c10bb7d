import { eq } from "drizzle-orm";
import { teams, wecomBindings } from "../schema";
import type { Db } from "../types";

export type TeamRow = typeof teams.$inferSelect;
export type BindingRow = typeof wecomBindings.$inferSelect;

/** Returns null when the slug is taken (unique constraint, no check-then-insert race). */
export async function insertTeam(db: Db, p: { slug: string; name: string }): Promise<TeamRow | null> {
  const rows = await db.insert(teams).values(p).onConflictDoNothing({ target: teams.slug }).returning();
  return rows[0] ?? null;
}

export async function findTeamBySlug(db: Db, p: { slug: string }): Promise<TeamRow | null> {
  const rows = await db.select().from(teams).where(eq(teams.slug, p.slug)).limit(1);
  return rows[0] ?? null;
}

export async function findTeamWithBinding(db: Db, p: { slug: string }): Promise<{ team: TeamRow; binding: BindingRow | null } | null> {
  const rows = await db
    .select({ team: teams, binding: wecomBindings })
    .from(teams)
    .leftJoin(wecomBindings, eq(wecomBindings.teamId, teams.id))
    .where(eq(teams.slug, p.slug))
    .limit(1);
  return rows[0] ?? null;
}

export async function findTeamWithBindingById(db: Db, p: { id: number }): Promise<{ team: TeamRow; binding: BindingRow | null } | null> {
  const rows = await db
    .select({ team: teams, binding: wecomBindings })
    .from(teams)
    .leftJoin(wecomBindings, eq(wecomBindings.teamId, teams.id))
    .where(eq(teams.id, p.id))
    .limit(1);
  return rows[0] ?? null;
}
