import { countCall } from "../db/queries/wecom-rate";
import { invalidateToken, lockToken, readToken, saveToken } from "../db/queries/wecom-tokens";
import type { Db } from "../db/types";
import type { SecretBox } from "../security/secret-box";
import type { WecomStorage } from "../wecom/storage";

/**
 * The WeCom client's token and budget in PostgreSQL: the token row refreshed under an advisory
 * lock in one transaction, the calls counted in `wecom_rate_windows`, the token sealed with the
 * app's secret box (docs/architecture.md#the-wecom-client).
 */
export function wecomStorage(db: Db, secrets: SecretBox): WecomStorage {
  return {
    tokens: {
      read: (key) => readToken(db, key),
      locked: (key, fn) =>
        db.transaction(async (tx) => {
          await lockToken(tx, key);
          return fn({ read: (k) => readToken(tx, k), save: (record) => saveToken(tx, record) });
        }),
      invalidate: (p) => invalidateToken(db, p),
    },
    rates: { count: (p) => countCall(db, p) },
    sealer: secrets,
  };
}
