import type { Clock } from "../../deps";
import { AppError, type ErrorCode } from "../../errors";
import { decryptMessage, verifySignature, WecomCryptoError, type WecomCryptoCode } from "../../wecom/crypto";
import { unsignedCallback, type CallbackKeys } from "./callback-keys";

export interface SignedQuery {
  msg_signature?: string;
  timestamp?: string;
  nonce?: string;
}

// WXBizMsgCrypt's local codes (docs/wecom.md#callback-crypto), all 4xx with zero writes.
const CRYPTO_ERRORS: Record<WecomCryptoCode, ErrorCode> = {
  [-40001]: "bad_signature",
  [-40002]: "bad_xml",
  [-40004]: "bad_ciphertext",
  [-40005]: "bad_receive_id",
  [-40007]: "bad_ciphertext",
  [-40008]: "bad_ciphertext",
  [-40010]: "bad_ciphertext",
};

export function cryptoToAppError(err: unknown): unknown {
  if (!(err instanceof WecomCryptoError)) return err;
  return new AppError(
    CRYPTO_ERRORS[err.code],
    `回调校验失败（${err.code}），请核对 Token/EncodingAESKey / Callback check failed (${err.code}): verify Token and EncodingAESKey`,
  );
}

/**
 * The query carries a signature, nonce and a timestamp within ±skew (docs/wecom.md#callback-crypto; the
 * rule is ours: it bounds replays, and duplicates inside it are deduped by the inbox). Needs no
 * keys, so a stale or unsigned request is refused before anything is looked up.
 */
export function checkFreshness(query: SignedQuery, clock: Clock, maxSkewSeconds: number): Required<SignedQuery> {
  const { msg_signature: signature, timestamp, nonce } = query;
  if (!signature || !timestamp || !nonce) {
    throw new AppError("bad_signature", "缺少 msg_signature、timestamp 或 nonce / msg_signature, timestamp and nonce are required");
  }
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(clock.now().getTime() / 1000 - Number(timestamp)) > maxSkewSeconds) {
    throw new AppError("stale_timestamp", "时间戳过期或无效，请检查服务器时间 / Timestamp stale or invalid: check the server clock");
  }
  return { msg_signature: signature, timestamp, nonce };
}

/** The signature over `encrypt` with this team's token, compared in constant time (crypto.ts). */
export function checkSignature(keys: CallbackKeys, query: Required<SignedQuery>, encrypt: string): void {
  if (!verifySignature(query.msg_signature, keys.token, query.timestamp, query.nonce, encrypt)) throw unsignedCallback();
}

/** Decrypts `encrypt` (doc 90968); only after checkSignature, which keeps this from being a padding oracle. */
export function decryptSigned(keys: CallbackKeys, encrypt: string): string {
  try {
    return decryptMessage(keys.encodingAesKey, encrypt, keys.corpId);
  } catch (err) {
    throw cryptoToAppError(err);
  }
}
