import type { Clock } from "../../deps";
import { AppError, type ErrorCode } from "../../errors";
import { decryptMessage, verifySignature, WecomCryptoError, type WecomCryptoCode } from "../../wecom/crypto";
import type { CallbackKeys } from "./callback-keys";

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
  return new AppError(CRYPTO_ERRORS[err.code], `回调校验失败（${err.code}），请核对 Token/EncodingAESKey / Callback check failed (${err.code}): verify Token and EncodingAESKey`);
}

/**
 * Checks the query signature and freshness, then decrypts `encrypt` (doc 90968). The ±skew rule
 * is ours (docs/wecom.md#callback-crypto): it bounds replays; duplicates inside it are deduped by the inbox.
 */
export function openSigned(keys: CallbackKeys, query: SignedQuery, encrypt: string, clock: Clock, maxSkewSeconds: number): string {
  const { msg_signature: signature, timestamp, nonce } = query;
  if (!signature || !timestamp || !nonce) {
    throw new AppError("bad_signature", "缺少 msg_signature、timestamp 或 nonce / msg_signature, timestamp and nonce are required");
  }
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(clock.now().getTime() / 1000 - Number(timestamp)) > maxSkewSeconds) {
    throw new AppError("stale_timestamp", "时间戳过期或无效，请检查服务器时间 / Timestamp stale or invalid: check the server clock");
  }
  if (!verifySignature(signature, keys.token, timestamp, nonce, encrypt)) {
    throw new AppError("bad_signature", "签名不匹配，请核对 Token / Signature mismatch: verify the Token");
  }
  try {
    return decryptMessage(keys.encodingAesKey, encrypt, keys.corpId);
  } catch (err) {
    throw cryptoToAppError(err);
  }
}
