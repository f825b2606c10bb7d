import { createApp } from "../../src/app";
import type { Deps } from "../../src/deps";
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
  secret: "s3cr3t-App-Secret-0123456789abcdefghijklmno",
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
