import { callbackInbox } from "../../src/db/schema";
import type { Db } from "../../src/db/types";
import { apiClient, BINDING } from "./api";
import type { TestDeps } from "./deps";
import { sealMessage, textMessageXml, toQueryString } from "./wecom-envelope";

let nextMsgId = 7_000_000_000_000_000_001n;

/** A fresh text message from `from`, with a MsgId beyond 2^53 like WeCom's. */
export function textXml(deps: TestDeps, content = "同步", from = "ZhangSan"): string {
  nextMsgId += 1n;
  return textMessageXml({
    toUserName: BINDING.corpId,
    fromUserName: from,
    content,
    msgId: nextMsgId.toString(),
    createTime: deps.clock.unixSeconds(),
    agentId: String(BINDING.agentId),
  });
}

/** POSTs `plaintext` as WeCom would: encrypted, signed, timestamped by the test clock. */
export async function postCallback(
  deps: TestDeps,
  slug: string,
  plaintext: string,
  opts: {
    receiveId?: string;
    timestamp?: string;
    nonce?: string;
    binding?: { token: string; encodingAesKey: string };
    contentLength?: boolean;
  } = {},
): Promise<Response> {
  const sealed = await sealMessage({
    token: opts.binding?.token ?? BINDING.token,
    encodingAesKey: opts.binding?.encodingAesKey ?? BINDING.encodingAesKey,
    receiveId: opts.receiveId ?? BINDING.corpId,
    plaintext,
    timestamp: opts.timestamp ?? deps.clock.unixSeconds(),
    nonce: opts.nonce ?? String(Math.floor(Math.random() * 1e9)),
  });
  return apiClient(deps).request(`/wecom/${slug}/callback?${toQueryString(sealed.query)}`, {
    method: "POST",
    headers: { "content-type": "text/xml", ...(opts.contentLength ? { "content-length": String(Buffer.byteLength(sealed.body)) } : {}) },
    body: sealed.body,
  });
}

export async function inboxRows(db: Db) {
  return db.select().from(callbackInbox).orderBy(callbackInbox.id);
}
