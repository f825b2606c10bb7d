import { insertInboxRows } from "../../db/queries/inbox";
import type { Deps } from "../../deps";
import { dedupeKey, handlerKey, subjectOf } from "../../wecom/messages";
import { parseEnvelope, parseMessage } from "../../wecom/xml";
import type { Actor } from "../actor";
import { loadCallbackKeys } from "./callback-keys";
import { cryptoToAppError, openSigned, type SignedQuery } from "./open-envelope";
import { processInbox } from "./process-inbox";

export interface Received {
  /** False for a repeated delivery of a message already stored. */
  stored: boolean;
  dedupeKey: string;
}

/**
 * Verify, decrypt, store, and only then acknowledge (wecom-reference §1.2): the handler work runs
 * after the response through `defer`, and a crash before it leaves a pending row for restart.
 */
export async function receiveCallback(deps: Deps, _actor: Actor, slug: string, query: SignedQuery, body: string): Promise<Received> {
  const keys = await loadCallbackKeys(deps, slug);
  let xml: string;
  let message: ReturnType<typeof parseMessage>;
  try {
    const envelope = parseEnvelope(body);
    xml = openSigned(keys, query, envelope.encrypt, deps.clock, deps.config.callbackMaxSkewSeconds);
    message = parseMessage(xml);
  } catch (err) {
    throw cryptoToAppError(err);
  }
  const key = dedupeKey(message, xml);
  const inserted = await insertInboxRows(deps.db, [
    { teamId: keys.teamId, dedupeKey: key, handlerKey: handlerKey(message), subject: subjectOf(message), payload: xml, receivedAt: deps.clock.now() },
  ]);
  const stored = inserted.size > 0;
  if (stored) deps.defer(() => processInbox(deps));
  return { stored, dedupeKey: key };
}
