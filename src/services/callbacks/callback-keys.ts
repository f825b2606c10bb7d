import type { Db } from "../../db/types";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { boundTeam } from "../directory/team-lookup";
import { sealContext } from "../teams/binding-view";

export interface CallbackKeys {
  teamId: number;
  corpId: string;
  token: string;
  encodingAesKey: string;
}

/** How long keys are used without a look at the database. */
const TTL_MS = 60_000;
/** After a failed check, keys are read afresh at most this often per team (and per process). */
export const KEY_REFRESH_COOLDOWN_MS = 5_000;
/** Slugs remembered per database: unknown slugs are remembered too, so the map is bounded. */
const MAX_SLUGS = 1_000;

interface Entry {
  /** Null: no such team, or not bound (the log said which). */
  keys: CallbackKeys | null;
  loadedAt: number;
}

/**
 * Verification keys per database and slug. A cache, not coordination (docs/architecture.md#coordination-lives-in-postgresql): nothing but speed
 * depends on it, so it may live in each process (on Workers, in each isolate) and need not agree
 * across instances. A check that fails on cached keys is retried on keys read afresh, so a re-bind
 * on another instance takes effect at its first callback — but at most once per team per
 * KEY_REFRESH_COOLDOWN_MS, so a flood of unsigned requests costs no database read (and no second
 * check) each. The worst a stale cache does is refuse a genuine callback for a few seconds after a
 * re-bind elsewhere; WeCom retries it.
 */
const caches = new WeakMap<Db, { entries: Map<string, Entry>; loading: Map<string, Promise<Entry>> }>();

/** The same answer for a team that does not exist, is not bound, or did not sign: the endpoint must not tell them apart. */
export function unsignedCallback(): AppError {
  return new AppError("bad_signature", "签名不匹配，请核对 Token / Signature mismatch: verify the Token");
}

async function readKeys(deps: Deps, slug: string): Promise<CallbackKeys | null> {
  try {
    const { team, binding } = await boundTeam(deps.db, slug);
    return {
      teamId: team.id,
      corpId: binding.corpId,
      token: deps.secrets.open(binding.tokenSealed, sealContext(team.id, "token")),
      encodingAesKey: deps.secrets.open(binding.aesKeySealed, sealContext(team.id, "aes_key")),
    };
  } catch (err) {
    if (err instanceof AppError && (err.code === "team_not_found" || err.code === "not_bound")) {
      // The log keeps what the answer hides.
      deps.logger.warn("callback for a team without keys", { slug, reason: err.code });
      return null;
    }
    throw err;
  }
}

function cacheOf(db: Db) {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = { entries: new Map(), loading: new Map() }));
  return cache;
}

/** Reads the keys once for concurrent callers of the same slug. */
function load(deps: Deps, slug: string): Promise<Entry> {
  const cache = cacheOf(deps.db);
  const pending = cache.loading.get(slug);
  if (pending) return pending;
  const started = deps.clock.now().getTime();
  const promise = readKeys(deps, slug)
    .then((keys) => {
      const entry = { keys, loadedAt: started };
      cache.entries.delete(slug);
      cache.entries.set(slug, entry);
      if (cache.entries.size > MAX_SLUGS) {
        const oldest = cache.entries.keys().next().value;
        if (oldest !== undefined) cache.entries.delete(oldest);
      }
      return entry;
    })
    .finally(() => cache.loading.delete(slug));
  cache.loading.set(slug, promise);
  return promise;
}

function run<T>(entry: Entry, check: (keys: CallbackKeys) => T | Promise<T>): T | Promise<T> {
  if (!entry.keys) throw unsignedCallback();
  return check(entry.keys);
}

/**
 * Runs `check` with the team's keys; when it fails on cached keys read at least
 * KEY_REFRESH_COOLDOWN_MS ago, once more on keys read afresh. An unknown or unbound team fails
 * as a bad signature.
 */
export async function withCallbackKeys<T>(deps: Deps, slug: string, check: (keys: CallbackKeys) => T | Promise<T>): Promise<T> {
  const cached = cacheOf(deps.db).entries.get(slug);
  // A clock that stepped back makes the age negative: read afresh rather than trust the entry.
  const age = cached ? deps.clock.now().getTime() - cached.loadedAt : -1;
  if (!cached || age < 0 || age >= TTL_MS) return run(await load(deps, slug), check);
  try {
    return await run(cached, check);
  } catch (err) {
    if (age < KEY_REFRESH_COOLDOWN_MS) throw err;
    return run(await load(deps, slug), check);
  }
}

/** After a bind in this process: the next callback reads the new keys at once. */
export function forgetCallbackKeys(deps: Deps, slug: string): void {
  caches.get(deps.db)?.entries.delete(slug);
}
