import { createApp } from "../../src/app";
import { upsertBinding } from "../../src/db/queries/bindings";
import { insertTeam } from "../../src/db/queries/teams";
import type { Deps } from "../../src/deps";
import { sealContext } from "../../src/services/teams/binding-view";
import { TEST_ENV } from "./deps";

export const OPERATOR = { authorization: `Bearer ${TEST_ENV.ADMIN_TOKEN}` };

/** Drives the real app through `app.request` with the given deps. */
export function apiClient(deps: Deps) {
  const app = createApp();
  const request = (path: string, init: RequestInit = {}) => app.request(path, init, { deps });
  const json = (method: string, path: string, body?: unknown, headers: Record<string, string> = OPERATOR) =>
    request(path, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { app, request, json };
}

export const BINDING = {
  corpId: "ww1436e0e65a779aee",
  agentId: 1000002,
  /** The emulator's default app secret (src/emulator). */
  secret: "emu-app-secret-0000000000000000000000000000",
  token: "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
  encodingAesKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
};

/** Creates a team bound with BINDING (or the given credentials); returns the slug. */
export async function boundTeam(deps: Deps, slug = "acme", binding: Partial<typeof BINDING> = {}): Promise<string> {
  const { json } = apiClient(deps);
  const created = await json("POST", "/api/teams", { slug, name: "Acme 团队" });
  if (created.status !== 201) throw new Error(`create team: ${created.status} ${await created.text()}`);
  const bound = await json("PUT", `/api/teams/${slug}/wecom`, { ...BINDING, ...binding });
  if (bound.status !== 200) throw new Error(`bind: ${bound.status} ${await bound.text()}`);
  return slug;
}

/**
 * A team bound to credentials of a corp the emulator does not host (e.g. an official sample's),
 * written as a fixture straight through the queries: for tests of the callback path only.
 */
export async function fixtureBinding(
  deps: Deps,
  slug: string,
  b: { corpId: string; token: string; encodingAesKey: string },
): Promise<void> {
  const team = await insertTeam(deps.db, { slug, name: slug });
  if (!team) throw new Error(`team ${slug} exists`);
  const seal = (v: string, f: "secret" | "token" | "aes_key") => deps.secrets.seal(v, sealContext(team.id, f));
  await upsertBinding(deps.db, {
    teamId: team.id,
    corpId: b.corpId,
    agentId: "1",
    secretSealed: seal("fixture-secret-0000000000", "secret"),
    tokenSealed: seal(b.token, "token"),
    aesKeySealed: seal(b.encodingAesKey, "aes_key"),
    adminUserIds: [],
    scopeDepartmentIds: null,
    now: deps.clock.now(),
  });
}
