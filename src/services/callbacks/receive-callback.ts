import type { Deps } from "../../deps";
import { dedupeKey, handlerKey, subjectOf } from "../../wecom/messages";
import { parseEnvelope, parseMessage } from "../../wecom/xml";
import type { Actor } from "../actor";
import { withCallbackKeys } from "./callback-keys";
import { cryptoToAppError, openSigned, type SignedQuery } from "./open-envelope";
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
 */
export async function receiveCallback(deps: Deps, _actor: Actor, slug: string, query: SignedQuery, body: string): Promise<Received> {
  const { teamId, xml, message } = await withCallbackKeys(deps, slug, (keys) => {
    try {
      const envelope = parseEnvelope(body);
      const xml = openSigned(keys, query, envelope.encrypt, deps.clock, deps.config.callbackMaxSkewSeconds);
      return { teamId: keys.teamId, xml, message: parseMessage(xml) };
    } catch (err) {
      throw cryptoToAppError(err);
    }
  });
  const key = dedupeKey(message, xml);
  const stored = await storeInboxRow(deps.db, { teamId, dedupeKey: key, handlerKey: handlerKey(message), subject: subjectOf(message), payload: xml, receivedAt: deps.clock.now() });
  if (stored) deps.defer(() => drainInbox(deps));
  return { stored, dedupeKey: key };
}
