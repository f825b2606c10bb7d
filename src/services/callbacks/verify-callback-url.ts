import type { Deps } from "../../deps";
import type { Actor } from "../actor";
import { withCallbackKeys } from "./callback-keys";
import { checkFreshness, checkSignature, decryptSigned, type SignedQuery } from "./open-envelope";

/** WeCom's URL check (GET, answer within 1 s): the decrypted echostr proves we hold the keys. */
export async function verifyCallbackUrl(
  deps: Deps,
  _actor: Actor,
  slug: string,
  query: SignedQuery & { echostr?: string },
): Promise<string> {
  // Query parsers turn a literal "+" into a space; echostr is Base64 (docs/wecom.md#callback-delivery).
  const echostr = (query.echostr ?? "").replace(/ /g, "+");
  const signed = checkFreshness(query, deps.clock, deps.config.callbackMaxSkewSeconds);
  return withCallbackKeys(deps, slug, (keys) => {
    checkSignature(keys, signed, echostr);
    return decryptSigned(keys, echostr);
  });
}
