// A bound team whose WeCom members were imported from the emulator: the starting point of the
// authorize, match, join and settings tests.
import { and, asc, eq } from "drizzle-orm";
import { expect } from "vitest";
import type { MemberRow } from "../../src/db/queries/directory";
import { members } from "../../src/db/schema";
import { boundTeam } from "./api";
import type { TestDeps } from "./deps";
import { teamIdOf } from "./sync-scenarios";
import { syncNow } from "./sync";

export interface ImportedTeam {
  teamId: number;
  /** Every imported member row, in id order. */
  rows: MemberRow[];
  /** Hands out userids of imported members, each once, so tests sharing the team do not overlap. */
  take(): string;
  /** Takes these members (by lower-cased userid) out of the pool: a test used them in bulk. */
  withdraw(keys: Iterable<string>): void;
  /** The member row of a userid (any case), as it is now. */
  memberOf(userId: string): Promise<MemberRow>;
}

export async function importedTeam(deps: TestDeps, slug: string): Promise<ImportedTeam> {
  await boundTeam(deps, slug);
  expect((await syncNow(deps, slug)).state).toBe("succeeded");
  const teamId = await teamIdOf(deps, slug);
  const rows = await deps.db.select().from(members).where(eq(members.teamId, teamId)).orderBy(asc(members.id));
  let free = rows.map((m) => m.wecomUserId ?? "").filter((u) => u !== "");
  return {
    teamId,
    rows,
    take() {
      const u = free.shift();
      if (!u) throw new Error("no member left");
      return u;
    },
    withdraw(keys) {
      const gone = new Set(keys);
      free = free.filter((u) => !gone.has(u.toLowerCase()));
    },
    async memberOf(userId) {
      const [m] = await deps.db
        .select()
        .from(members)
        .where(and(eq(members.teamId, teamId), eq(members.wecomUserKey, userId.toLowerCase())));
      if (!m) throw new Error(`no member ${userId}`);
      return m;
    },
  };
}
