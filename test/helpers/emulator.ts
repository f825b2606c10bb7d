import type { Clock } from "../../src/deps";
import { createEmulator } from "../../src/emulator";
import type { OrgSpec } from "../../src/emulator/types";
import type { WecomApi } from "../../src/wecom/api";
import { TEST_CORP_ID, type TestDeps } from "./deps";

/** Drives the emulator's JSON control API; fails the test on a non-2xx answer. */
export async function control(deps: TestDeps, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await deps.emulator.fetch(`http://emulator.test${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`emulator ${method} ${path} → ${res.status} ${text}`);
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** Calls the service made to each WeCom API so far. */
export async function wecomCalls(deps: TestDeps): Promise<Record<string, number>> {
  return ((await control(deps, "GET", "/_emulator/calls")) as { counts: Record<string, number> }).counts;
}

/** Some member visible to the app, found the way the service would find one. */
export async function anyUserId(api: WecomApi): Promise<string> {
  for (const d of await api.listDepartments()) {
    const [first] = await api.listSimpleUsers(d.id);
    if (first) return first.userid;
  }
  throw new Error("the emulator's org has no visible member");
}

/** Points the emulator's callback pushes at a bound team of this deps (BINDING's token and key). */
export async function connectCallbacks(deps: TestDeps, slug: string, binding: { token: string; encodingAesKey: string }): Promise<void> {
  await control(deps, "PUT", "/_emulator/callback", { url: `https://roster.example.com/wecom/${slug}/callback`, ...binding });
}

/**
 * An emulator whose callback pushes are held, not sent: the test delivers each request when,
 * where and as often as it likes (reordered, duplicated, to another instance). `wecom` calls its
 * control API raw; `pushed` counts every push.
 */
export function capturingEmulator(opts: { clock: Clock; org: OrgSpec }) {
  const inFlight: Request[] = [];
  const counts = { pushed: 0 };
  const emulator = createEmulator({
    clock: opts.clock,
    corpId: TEST_CORP_ID,
    org: opts.org,
    fetchCallback: (input, init) => {
      inFlight.push(new Request(input, init));
      counts.pushed++;
      return Promise.resolve(new Response("success"));
    },
  });
  const wecom = (method: string, path: string, body?: unknown) =>
    emulator.fetch(`http://emulator.test${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { emulator, inFlight, counts, wecom };
}
