import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { computeSignature, decryptMessage, encryptMessage, verifySignature, WecomCryptoError } from "../../src/wecom/crypto";
import { buildEncryptedReply, parseEnvelope } from "../../src/wecom/xml";
import { openEnvelopeIndependently } from "../helpers/wecom-envelope";
import { php, py, wechatpy } from "../helpers/official-vectors";

describe("WeCom callback crypto in workerd (nodejs_compat node:crypto), official vectors (docs/wecom.md#test-vectors)", () => {
  it("runs in workerd, not Node", () => {
    expect((globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent).toBe("Cloudflare-Workers");
  });

  it("9.1 GET: verifies and decrypts the echostr", async () => {
    const { token, key, corpId, get } = php;
    expect(verifySignature(get.signature, token, get.timestamp, get.nonce, get.echostr)).toBe(true);
    expect(decryptMessage(key, get.echostr, corpId)).toBe(get.reply);
    expect(await openEnvelopeIndependently(key, get.echostr)).toEqual({ msg: get.reply, receiveId: corpId, pad: 7 });
  });

  it("9.1 POST: the pad-30 message that 16-byte unpadding rejects", () => {
    const { token, key, corpId, post } = php;
    const envelope = parseEnvelope(post.body);
    expect(verifySignature(post.signature, token, post.timestamp, post.nonce, envelope.encrypt)).toBe(true);
    expect(decryptMessage(key, envelope.encrypt, corpId)).toBe(post.msg);
  });

  it("9.2 POST: msg_len counts UTF-8 bytes", () => {
    const { token, key, corpId, post } = py;
    expect(verifySignature(post.signature, token, post.timestamp, post.nonce, post.encrypt)).toBe(true);
    expect(decryptMessage(key, post.encrypt, corpId)).toBe(post.msg);
  });

  it("9.3 deterministic encrypt, signature and passive reply", () => {
    const { token, key, corpId, encrypt: e } = wechatpy;
    const encrypt = encryptMessage(key, e.plaintext, corpId, Buffer.from(e.random, "ascii"));
    expect(encrypt).toBe(e.expected);
    const signature = computeSignature(token, e.timestamp, e.nonce, encrypt);
    expect(signature).toBe(e.signature);
    expect(buildEncryptedReply({ encrypt, signature, timestamp: e.timestamp, nonce: e.nonce })).toContain(
      `<MsgSignature><![CDATA[${e.signature}]]></MsgSignature>`,
    );
  });

  it("rejects the neighbouring nonce and a message for another corp", () => {
    const { token, key, get } = wechatpy;
    expect(verifySignature(get.signature, token, get.timestamp, "437374424", get.echostr)).toBe(false);
    expect(() => decryptMessage(key, get.echostr, "ww-someone-else")).toThrow(WecomCryptoError);
  });
});
