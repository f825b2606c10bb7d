/**
 * What the client keeps outside the process, declared here and implemented over the database
 * elsewhere (src/services/wecom-storage.ts), so src/wecom imports nothing above it
 * (docs/architecture.md#imports). Both live in PostgreSQL because every instance shares them
 * (docs/architecture.md#coordination-lives-in-postgresql).
 */

export interface TokenKey {
  corpId: string;
  agentId: string;
}

/** One stored token, or the failure remembered in its place; `accessToken` is sealed. */
export interface TokenRecord extends TokenKey {
  secretFingerprint: string;
  accessToken: string | null;
  expiresAt: Date | null;
  fetchedAt: Date | null;
  failedErrcode: number | null;
  failedErrmsg: string | null;
  failedUntil: Date | null;
}

/** Reads and writes made while holding a key's refresh lock. */
export interface LockedTokenStore {
  read(key: TokenKey): Promise<TokenRecord | null>;
  save(record: TokenRecord): Promise<void>;
}

export interface TokenStore {
  read(key: TokenKey): Promise<TokenRecord | null>;
  /** Runs `fn` holding the key's refresh lock across instances; its writes commit when `fn` returns, and not if it throws. */
  locked<T>(key: TokenKey, fn: (store: LockedTokenStore) => Promise<T>): Promise<T>;
  /** Drops the token only if it is still this sealed one (another instance may have refreshed). */
  invalidate(key: TokenKey & { accessToken: string }): Promise<void>;
}

export interface RateStore {
  /** Adds `calls` to each (bucket, window start) and answers the calls so far, in the given order. */
  count(p: { corpId: string; calls: number; windows: { bucket: string; start: Date }[] }): Promise<number[]>;
}

/** Seals the token at rest; the context is authenticated, so a sealed token fails to open elsewhere. */
export interface Sealer {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

export interface WecomStorage {
  tokens: TokenStore;
  rates: RateStore;
  sealer: Sealer;
}
