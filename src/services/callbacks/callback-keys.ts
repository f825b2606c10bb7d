import type { Db } from "../../db/types";
import type { Deps } from "../../deps";
import { boundTeam } from "../directory/team-lookup";
import { sealContext } from "../teams/binding-view";

export interface CallbackKeys {
  teamId: number;
  corpId: string;
  token: string;
  encodingAesKey: string;
}

const TTL_MS = 60_000;

/**
 * Verification keys per database and slug, kept briefly so a burst of callbacks costs no lookup
 * each. A cache, not coordination (docs/architecture.md#coordination-lives-in-postgresql): a check
 * that fails on cached keys is retried on keys read afresh, so a re-bind on another instance takes
 * effect at its first callback.
 */
const caches = new WeakMap<Db, Map<string, { keys: CallbackKeys; until: number }>>();

async function loadFresh(deps: Deps, slug: string): Promise<CallbackKeys> {
  const { team, binding } = await boundTeam(deps.db, slug);
  return {
    teamId: team.id,
    corpId: binding.corpId,
    token: deps.secrets.open(binding.tokenSealed, sealContext(team.id, "token")),
    encodingAesKey: deps.secrets.open(binding.aesKeySealed, sealContext(team.id, "aes_key")),
  };
}

/** Runs `check` with the team's keys; on failure with cached keys, once more with fresh ones. */
export async function withCallbackKeys<T>(deps: Deps, slug: string, check: (keys: CallbackKeys) => T | Promise<T>): Promise<T> {
  let cache = caches.get(deps.db);
  if (!cache) caches.set(deps.db, (cache = new Map<string, { keys: CallbackKeys; until: number }>()));
  const now = deps.clock.now().getTime();
  const hit = cache.get(slug);
  if (hit && hit.until > now) {
    try {
      return await check(hit.keys);
    } catch {
      cache.delete(slug);
    }
  }
  const keys = await loadFresh(deps, slug);
  cache.set(slug, { keys, until: now + TTL_MS });
  return check(keys);
}

/** After a bind in this process: the next callback reads the new keys at once. */
export function forgetCallbackKeys(deps: Deps, slug: string): void {
  caches.get(deps.db)?.delete(slug);
}
