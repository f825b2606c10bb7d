import { expect } from "vitest";
import { insertTeam } from "../../src/db/queries/teams";
import { auditLog } from "../../src/db/schema";
import type { Db } from "../../src/db/types";
import { apiClient } from "./api";
import type { TestDeps } from "./deps";

/** A team of the test's own with one endpoint at `http://127.0.0.1:9/<slug>` taking `events`: its id and the endpoint's. */
export async function teamWithEndpoint(
  deps: TestDeps,
  slug: string,
  events: string[] = ["member.updated"],
): Promise<{ teamId: number; endpointId: string }> {
  const team = (await insertTeam(deps.db, { slug, name: slug }))!;
  const res = await apiClient(deps).json("POST", `/api/teams/${slug}/webhooks`, { url: `http://127.0.0.1:9/${slug}`, events });
  expect(res.status).toBe(201);
  const { endpoint } = (await res.json()) as { endpoint: { id: string } };
  return { teamId: team.id, endpointId: endpoint.id };
}

/** One member.updated about each of `members`, in that order, in one statement (one page of an import), at the deps' clock. */
export async function auditedChanges(deps: TestDeps, teamId: number, members: number[], db: Db = deps.db): Promise<void> {
  await db.insert(auditLog).values(
    members.map((m) => ({
      teamId,
      at: deps.clock.now(),
      initiator: "system" as const,
      action: "member.updated",
      subjectType: "member",
      subjectId: String(m),
    })),
  );
}

export const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
