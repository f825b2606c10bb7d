import type { Deps } from "../../deps";
import { dedupeKey, handlerKey, subjectOf } from "../../wecom/messages";
import { WecomCryptoError } from "../../wecom/crypto";
import { parseEnvelope, parseMessage, scanEncrypt } from "../../wecom/xml";
import type { Actor } from "../actor";
import { withCallbackKeys } from "./callback-keys";
import { checkFreshness, checkSignature, cryptoToAppError, decryptSigned, type SignedQuery } from "./open-envelope";
import { storeInboxRow } from "./inbox-batcher";
import { drainInbox } from "./process-inbox";

export interface Received {
  /** False for a repeated delivery of a message already stored. */
  stored: boolean;
  dedupeKey: string;
}

/**
 * Verify, decrypt, store, and only then acknowledge (docs/wecom.md#callback-delivery): the handler work runs
 * after the response through `defer`, and a crash before it leaves a pending row for restart.
 * Until the signature holds, the body is unauthenticated: only the timestamp and a bounded scan for
 * `<Encrypt>` run before it (open to anyone, they must stay cheap); the XML is validated and
 * parsed in full only once the team's token signed it.
 */
export async function receiveCallback(deps: Deps, _actor: Actor, slug: string, query: SignedQuery, body: string): Promise<Received> {
  const signed = checkFreshness(query, deps.clock, deps.config.callbackMaxSkewSeconds);
  const encrypt = asAppError(() => scanEncrypt(body));
  const { teamId, xml, message } = await withCallbackKeys(deps, slug, (keys) => {
    checkSignature(keys, signed, encrypt);
    return asAppError(() => {
      // The parse that validates must see the value that was signed.
      if (parseEnvelope(body).encrypt !== encrypt) throw new WecomCryptoError(-40002, "<Encrypt> read two ways");
      const xml = decryptSigned(keys, encrypt);
      return { teamId: keys.teamId, xml, message: parseMessage(xml) };
    });
  });
  const key = dedupeKey(message, xml);
  const subject = subjectOf(message);
  // Contact hints (those with a subject) wait for the team's first import (docs/observations.md).
  const outcome = await storeInboxRow(deps.db, {
    teamId,
    dedupeKey: key,
    handlerKey: handlerKey(message),
    subject,
    payload: xml,
    receivedAt: deps.clock.now(),
    waitsForImport: subject !== null,
  });
  if (outcome === "pending") deps.defer(() => drainInbox(deps));
  return { stored: outcome !== "repeat", dedupeKey: key };
}

function asAppError<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw cryptoToAppError(err);
  }
}
