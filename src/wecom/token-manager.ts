import { createHash } from "node:crypto";
import type { Clock } from "../clock";
import { WecomApiError } from "./api-error";
import type { WecomCredentials } from "./caller";
import type { Sealer, TokenRecord, TokenStore } from "./storage";

/** Refresh this long before expiry (docs/wecom.md#access-token policy). */
const REFRESH_AHEAD_MS = 600_000;
/** A bad secret or CorpID is not tried again for this long, unless the binding changes (docs/wecom.md#access-token). */
const BAD_CREDENTIAL_BACKOFF_MS = 10 * 60_000;
/** 60020 clears about a minute after the admin adds the IP (docs/wecom.md#trusted-ip). */
const OTHER_FAILURE_BACKOFF_MS = 60_000;

export interface TokenSource {
  /** A token valid for a while yet; fetched (once, across instances) when missing or near expiry. */
  get(): Promise<string>;
  /** After 40014/42001: drop it if it is still the current one, so the next get refetches. */
  invalidate(token: string): Promise<void>;
}

export interface TokenManagerOptions {
  tokens: TokenStore;
  sealer: Sealer;
  clock: Clock;
  /** Calls gettoken; throws WecomApiError (fatal) or WecomRetryableError. */
  fetchToken: (creds: WecomCredentials) => Promise<{ accessToken: string; expiresIn: number }>;
}

const fingerprint = (c: WecomCredentials) => createHash("sha256").update(`${c.corpId}\n${c.agentId}\n${c.secret}`).digest("hex");
const context = (c: WecomCredentials) => `wecom_tokens:${c.corpId}:${c.agentId}`;

/**
 * The token lives in the database, shared by every instance (docs/wecom.md#access-token). Refresh is single-flight:
 * within a process through one shared promise, across processes through an advisory lock and a
 * re-read under it.
 */
/** A token this process already holds, until its refresh time: saves a read per WeCom call. */
export interface HeldToken {
  token: string;
  sealed: string;
  refreshAt: number;
}

export function tokenManager(
  o: TokenManagerOptions,
  creds: WecomCredentials,
  inFlight: Map<string, Promise<string>>,
  held: Map<string, HeldToken>,
): TokenSource {
  const key = { corpId: creds.corpId, agentId: creds.agentId };
  const print = fingerprint(creds);
  const flightKey = `${creds.corpId}:${creds.agentId}:${print}`;

  // The sealed form read last, so invalidate can compare exactly what is stored.
  const sealedByToken = new Map<string, string>();

  const usable = (row: TokenRecord | null): string | undefined => {
    if (!row || row.secretFingerprint !== print) return undefined;
    const now = o.clock.now().getTime();
    if (row.failedUntil && row.failedUntil.getTime() > now && row.failedErrcode !== null) {
      throw new WecomApiError("gettoken", row.failedErrcode, row.failedErrmsg ?? "");
    }
    if (!row.accessToken || !row.expiresAt || row.expiresAt.getTime() - REFRESH_AHEAD_MS <= now) return undefined;
    const token = o.sealer.open(row.accessToken, context(creds));
    sealedByToken.set(token, row.accessToken);
    held.set(flightKey, { token, sealed: row.accessToken, refreshAt: row.expiresAt.getTime() - REFRESH_AHEAD_MS });
    return token;
  };

  const refresh = async (): Promise<string> => {
    const outcome: { token: string } | { failure: WecomApiError } = await o.tokens.locked(key, async (tx) => {
      const current = usable(await tx.read(key));
      if (current) return { token: current };
      const now = o.clock.now();
      try {
        const got = await o.fetchToken(creds);
        const sealed = o.sealer.seal(got.accessToken, context(creds));
        await tx.save({
          ...key,
          secretFingerprint: print,
          accessToken: sealed,
          expiresAt: new Date(now.getTime() + got.expiresIn * 1000),
          fetchedAt: now,
          failedErrcode: null,
          failedErrmsg: null,
          failedUntil: null,
        });
        sealedByToken.set(got.accessToken, sealed);
        held.set(flightKey, { token: got.accessToken, sealed, refreshAt: now.getTime() + got.expiresIn * 1000 - REFRESH_AHEAD_MS });
        return { token: got.accessToken };
      } catch (err) {
        if (!(err instanceof WecomApiError)) throw err;
        const credential = err.errcode === 40001 || err.errcode === 40013 || err.errcode === 40091;
        await tx.save({
          ...key,
          secretFingerprint: print,
          accessToken: null,
          expiresAt: null,
          fetchedAt: null,
          failedErrcode: err.errcode,
          failedErrmsg: err.errmsg,
          failedUntil: new Date(now.getTime() + (credential ? BAD_CREDENTIAL_BACKOFF_MS : OTHER_FAILURE_BACKOFF_MS)),
        });
        return { failure: err };
      }
    });
    // Thrown after commit, so the remembered failure is kept.
    if ("failure" in outcome) throw outcome.failure;
    return outcome.token;
  };

  return {
    async get() {
      const mine = held.get(flightKey);
      if (mine && mine.refreshAt > o.clock.now().getTime()) {
        sealedByToken.set(mine.token, mine.sealed);
        return mine.token;
      }
      const cached = usable(await o.tokens.read(key));
      if (cached) return cached;
      let flight = inFlight.get(flightKey);
      if (!flight) {
        flight = refresh().finally(() => inFlight.delete(flightKey));
        inFlight.set(flightKey, flight);
      }
      return flight;
    },
    async invalidate(token) {
      if (held.get(flightKey)?.token === token) held.delete(flightKey);
      const sealed = sealedByToken.get(token);
      if (sealed) await o.tokens.invalidate({ ...key, accessToken: sealed });
    },
  };
}
