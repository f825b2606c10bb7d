import type { Deps } from "../../deps";
import type { Actor } from "../actor";
import { withCallbackKeys } from "./callback-keys";
import { openSigned, type SignedQuery } from "./open-envelope";

/** WeCom's URL check (GET, answer within 1 s): the decrypted echostr proves we hold the keys. */
export async function verifyCallbackUrl(
  deps: Deps,
  _actor: Actor,
  slug: string,
  query: SignedQuery & { echostr?: string },
): Promise<string> {
  // Query parsers turn a literal "+" into a space; echostr is Base64 (docs/wecom.md#callback-delivery).
  const echostr = (query.echostr ?? "").replace(/ /g, "+");
  return withCallbackKeys(deps, slug, (keys) => openSigned(keys, query, echostr, deps.clock, deps.config.callbackMaxSkewSeconds));
}
