// Pushes a callback to the configured target exactly as WeCom does (docs/wecom.md#callback-crypto):
// the payload encrypted for receiveid = CorpID, signed over (token, timestamp, nonce,
// Encrypt), POSTed as <xml><ToUserName/><AgentID/><Encrypt/></xml> with msg_signature,
// timestamp and nonce in the query. Callback faults drop or duplicate pushes (WeCom
// retries — possibly concurrently — and may lose events, docs/wecom.md#callback-delivery).
import { randomInt } from "node:crypto";
import { computeSignature, encryptMessage } from "../../wecom/crypto";
import type { CallbackDelivery, CallbackRecord, EmulatorState } from "../state";
import type { CallbackTarget } from "../types";

const DELIVERY_TIMEOUT_MS = 10_000;
const LOG_CAP = 1000;

/** `agentId` undefined = a contact-sync style envelope with an empty AgentID (docs/wecom.md#callback-crypto). */
export async function pushCallback(state: EmulatorState, kind: string, xml: string, agentId?: number): Promise<CallbackRecord> {
  const record: CallbackRecord = { id: state.nextSeq(), at: state.clock.now().toISOString(), kind, xml, outcome: "sent", deliveries: [] };
  state.callbackLog.push(record);
  if (state.callbackLog.length > LOG_CAP) state.callbackLog.splice(0, state.callbackLog.length - LOG_CAP);
  const target = state.callbackTarget;
  if (!target) {
    record.outcome = "no-target";
    return record;
  }
  if (state.callbackFaults.drop > 0) {
    state.callbackFaults.drop--;
    record.outcome = "dropped";
    return record;
  }
  let copies = 1;
  if (state.callbackFaults.duplicate > 0) {
    state.callbackFaults.duplicate--;
    copies = 2;
  }
  record.deliveries = await Promise.all(Array.from({ length: copies }, () => deliver(state, target, xml, agentId)));
  return record;
}

async function deliver(state: EmulatorState, target: CallbackTarget, xml: string, agentId: number | undefined): Promise<CallbackDelivery> {
  try {
    // Each delivery is sealed afresh (new random prefix and nonce), like a WeCom retry.
    const encrypt = encryptMessage(target.encodingAesKey, xml, state.corpId);
    const timestamp = String(Math.floor(state.nowMs() / 1000));
    const nonce = String(randomInt(100_000_000, 1_000_000_000));
    const url = new URL(target.url);
    url.searchParams.set("msg_signature", computeSignature(target.token, timestamp, nonce, encrypt));
    url.searchParams.set("timestamp", timestamp);
    url.searchParams.set("nonce", nonce);
    const body =
      `<xml><ToUserName><![CDATA[${state.corpId}]]></ToUserName>` +
      `<AgentID>${agentId === undefined ? "" : `<![CDATA[${agentId}]]>`}</AgentID>` +
      `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    const res = await state.fetchCallback(url.toString(), {
      method: "POST",
      headers: { "content-type": "text/xml" },
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    const text = await res.text();
    return { status: res.status, body: text.slice(0, 2000) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * What WeCom does when an admin saves the callback settings (docs/wecom.md#callback-delivery): a signed GET
 * with an encrypted echostr; the target must answer the decrypted plaintext verbatim.
 */
export async function verifyCallbackUrl(
  state: EmulatorState,
): Promise<{ ok: boolean; status?: number; body?: string; expected: string; error?: string }> {
  const target = state.callbackTarget;
  const expected = String(randomInt(100_000_000, 1_000_000_000)) + String(randomInt(100_000_000, 1_000_000_000));
  if (!target) return { ok: false, expected, error: "no callback target" };
  try {
    const echostr = encryptMessage(target.encodingAesKey, expected, state.corpId);
    const timestamp = String(Math.floor(state.nowMs() / 1000));
    const nonce = String(randomInt(100_000_000, 1_000_000_000));
    const url = new URL(target.url);
    url.searchParams.set("msg_signature", computeSignature(target.token, timestamp, nonce, echostr));
    url.searchParams.set("timestamp", timestamp);
    url.searchParams.set("nonce", nonce);
    // URLSearchParams percent-encodes echostr's + / = as WeCom does (%2B %2F %3D).
    url.searchParams.set("echostr", echostr);
    const res = await state.fetchCallback(url.toString(), { method: "GET", signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS) });
    const body = await res.text();
    return { ok: res.status === 200 && body === expected, status: res.status, body: body.slice(0, 2000), expected };
  } catch (e) {
    return { ok: false, expected, error: e instanceof Error ? e.message : String(e) };
  }
}
