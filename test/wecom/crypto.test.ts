import { createDecipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  aesKey,
  computeSignature,
  decryptMessage,
  encryptMessage,
  isValidEncodingAesKey,
  verifySignature,
  WecomCryptoError,
  type WecomCryptoCode,
} from "../../src/wecom/crypto";
import { buildEncryptedReply, parseEnvelope } from "../../src/wecom/xml";
import { php, py, wechatpy } from "../helpers/official-vectors";
import {
  encryptRawBlocks,
  framePlaintext,
  openEnvelopeIndependently,
  sealEchostr,
  sealMessage,
  sealPlaintext,
  toQueryString,
} from "../helpers/wecom-envelope";

function expectCode(fn: () => unknown, code: WecomCryptoCode): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(WecomCryptoError);
  expect((thrown as WecomCryptoError).code).toBe(code);
  expect((thrown as WecomCryptoError).name).toBe("WecomCryptoError");
}

const byteLength = (s: string) => new TextEncoder().encode(s).length;

describe("official vectors (docs/wecom.md#test-vectors)", () => {
  it("9.1 GET: verifies and decrypts the echostr (pad 7)", async () => {
    const { token, key, corpId, get } = php;
    expect(decodeURIComponent(get.echostrInUrl)).toBe(get.echostr);
    expect(verifySignature(get.signature, token, get.timestamp, get.nonce, get.echostr)).toBe(true);
    expect(decryptMessage(key, get.echostr, corpId)).toBe(get.reply);
    expect(await openEnvelopeIndependently(key, get.echostr)).toEqual({ msg: get.reply, receiveId: corpId, pad: 7 });
  });

  it("9.1 POST: verifies and decrypts the pad-30 message that breaks 16-byte unpadding", async () => {
    const { token, key, corpId, post } = php;
    const envelope = parseEnvelope(post.body);
    expect(envelope.toUserName).toBe(corpId);
    expect(envelope.agentId).toBe("218");
    expect(verifySignature(post.signature, token, post.timestamp, post.nonce, envelope.encrypt)).toBe(true);
    expect(decryptMessage(key, envelope.encrypt, corpId)).toBe(post.msg);
    expect(await openEnvelopeIndependently(key, envelope.encrypt)).toEqual({ msg: post.msg, receiveId: corpId, pad: 30 });

    // Why setAutoPadding(false) is needed: the default 16-byte unpad rejects this vector.
    const k = aesKey(key);
    const d = createDecipheriv("aes-256-cbc", k, k.subarray(0, 16));
    expect(() => Buffer.concat([d.update(Buffer.from(envelope.encrypt, "base64")), d.final()])).toThrow();
  });

  it("9.1 round trip of the sample's reply", async () => {
    const encrypt = encryptMessage(php.key, php.sampleReply, php.corpId);
    expect(decryptMessage(php.key, encrypt, php.corpId)).toBe(php.sampleReply);
    expect((await openEnvelopeIndependently(php.key, encrypt)).msg).toBe(php.sampleReply);
  });

  it("9.2 GET", async () => {
    const { token, key, corpId, get } = py;
    expect(verifySignature(get.signature, token, get.timestamp, get.nonce, get.echostr)).toBe(true);
    expect(decryptMessage(key, get.echostr, corpId)).toBe(get.reply);
    expect((await openEnvelopeIndependently(key, get.echostr)).msg).toBe(get.reply);
  });

  it("9.2 POST: msg_len counts UTF-8 bytes (pad 22)", async () => {
    const { token, key, corpId, post } = py;
    expect(verifySignature(post.signature, token, post.timestamp, post.nonce, post.encrypt)).toBe(true);
    const msg = decryptMessage(key, post.encrypt, corpId);
    expect(msg).toBe(post.msg);
    expect(byteLength(msg)).toBeGreaterThan(msg.length);
    expect(await openEnvelopeIndependently(key, post.encrypt)).toEqual({ msg: post.msg, receiveId: corpId, pad: 22 });
  });

  it("9.3 GET, and the neighbouring nonce fails the signature", () => {
    const { token, key, corpId, get } = wechatpy;
    expect(verifySignature(get.signature, token, get.timestamp, get.nonce, get.echostr)).toBe(true);
    expect(verifySignature(get.signature, token, get.timestamp, "437374424", get.echostr)).toBe(false);
    expect(decryptMessage(key, get.echostr, corpId)).toBe(get.reply);
  });

  it("9.3 deterministic encrypt, signature and passive reply", async () => {
    const { token, key, corpId, encrypt: e } = wechatpy;
    expect(byteLength(e.plaintext)).toBe(247);
    const random = Buffer.from(e.random, "ascii");
    const encrypt = encryptMessage(key, e.plaintext, corpId, random);
    expect(encrypt).toBe(e.expected);
    const signature = computeSignature(token, e.timestamp, e.nonce, encrypt);
    expect(signature).toBe(e.signature);
    expect(buildEncryptedReply({ encrypt, signature, timestamp: e.timestamp, nonce: e.nonce })).toBe(
      `<xml>\n<Encrypt><![CDATA[${e.expected}]]></Encrypt>\n<MsgSignature><![CDATA[${e.signature}]]></MsgSignature>\n<TimeStamp>1411525903</TimeStamp>\n<Nonce><![CDATA[461056294]]></Nonce>\n</xml>`.replaceAll(
        "\n",
        "",
      ),
    );

    // The independent helper reproduces the same bytes.
    const sealed = await sealMessage({
      token,
      encodingAesKey: key,
      receiveId: corpId,
      plaintext: e.plaintext,
      timestamp: e.timestamp,
      nonce: e.nonce,
      random: new Uint8Array(random),
    });
    expect(sealed.encrypt).toBe(e.expected);
    expect(sealed.signature).toBe(e.signature);
  });
});

describe("signature", () => {
  const { token, post } = php;
  const encrypt = parseEnvelope(post.body).encrypt;

  it("accepts upper-case hex", () => {
    expect(verifySignature(post.signature.toUpperCase(), token, post.timestamp, post.nonce, encrypt)).toBe(true);
  });

  it("rejects a tampered Encrypt, a truncated or empty signature", () => {
    const tampered = (encrypt.startsWith("R") ? "S" : "R") + encrypt.slice(1);
    expect(verifySignature(post.signature, token, post.timestamp, post.nonce, tampered)).toBe(false);
    expect(verifySignature(post.signature.slice(0, -1), token, post.timestamp, post.nonce, encrypt)).toBe(false);
    expect(verifySignature("", token, post.timestamp, post.nonce, encrypt)).toBe(false);
    expect(verifySignature(post.signature, "other", post.timestamp, post.nonce, encrypt)).toBe(false);
  });
});

// Exactly n UTF-8 bytes, mixing 1- to 4-byte characters when multiByte.
function textOfBytes(n: number, multiByte: boolean): string {
  const cycle = multiByte ? ["é", "你", "😀", "a"] : ["a"];
  let s = "";
  let bytes = 0;
  for (let i = 0; bytes < n; i++) {
    const c = cycle[i % cycle.length] ?? "a";
    const add = bytes + byteLength(c) <= n ? c : "a";
    s += add;
    bytes += byteLength(add);
  }
  return s;
}

describe("round trips for every plaintext length 0..300 bytes", () => {
  const { key, corpId } = php;
  const plaintexts = Array.from({ length: 301 }, (_, n) => [textOfBytes(n, false), textOfBytes(n, true)]).flat();

  it("builds the plaintexts it claims to", () => {
    for (let n = 0; n <= 300; n++) {
      expect(byteLength(plaintexts[2 * n] ?? "")).toBe(n);
      expect(byteLength(plaintexts[2 * n + 1] ?? "")).toBe(n);
    }
  });

  it("src encrypt → independent decrypt, pads 1..32 all occur", async () => {
    const pads = new Set<number>();
    for (const plaintext of plaintexts) {
      const opened = await openEnvelopeIndependently(key, encryptMessage(key, plaintext, corpId));
      expect(opened.msg).toBe(plaintext);
      expect(opened.receiveId).toBe(corpId);
      pads.add(opened.pad);
    }
    expect([...pads].sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i + 1));
  });

  it("independent encrypt → src decrypt", async () => {
    for (const plaintext of plaintexts) {
      expect(decryptMessage(key, await sealPlaintext(key, plaintext, corpId), corpId)).toBe(plaintext);
    }
  });

  it("pad 32: a body that fills whole blocks gets a full block of 0x20", async () => {
    const plaintext = "x".repeat(32 - ((20 + corpId.length) % 32));
    expect((20 + byteLength(plaintext) + corpId.length) % 32).toBe(0);
    const encrypt = encryptMessage(key, plaintext, corpId);
    expect(Buffer.from(encrypt, "base64").length).toBe(20 + plaintext.length + corpId.length + 32);
    expect(await openEnvelopeIndependently(key, encrypt)).toEqual({ msg: plaintext, receiveId: corpId, pad: 32 });
    expect(decryptMessage(key, encrypt, corpId)).toBe(plaintext);
  });
});

describe("decryptMessage rejects", () => {
  const { key, corpId } = php;
  const random = new Uint8Array(16).fill(7);

  // 32-aligned plaintext encrypted as is, to build broken frames.
  const rawFrame = async (edit: (frame: Uint8Array) => Uint8Array) => encryptRawBlocks(key, edit(framePlaintext("hello", corpId, random)));

  it("-40005 on a receiveid mismatch", async () => {
    expectCode(() => decryptMessage(key, encryptMessage(key, "hi", "wwOTHER"), corpId), -40005);
    const sealedForOther = await sealPlaintext(key, "hi", "wwOTHER");
    expectCode(() => decryptMessage(key, sealedForOther, corpId), -40005);
    expectCode(() => decryptMessage(key, encryptMessage(key, "hi", `${corpId}x`), corpId), -40005);
    expectCode(() => decryptMessage(key, encryptMessage(key, "hi", corpId.toUpperCase()), corpId), -40005);
    expectCode(() => decryptMessage(key, encryptMessage(key, "hi", ""), corpId), -40005);
  });

  it("-40010 on invalid or non-canonical Base64", () => {
    const good = encryptMessage(key, "hi", corpId);
    for (const s of [
      good.slice(1),
      `${good.slice(0, 10)}!${good.slice(11)}`,
      `${good.slice(0, 10)} ${good.slice(11)}`,
      `${good}\n`,
      good.replaceAll("=", ""),
      "QR==",
      "Q===",
      "=AAA",
      "AA=A",
      "-_AA",
    ]) {
      expectCode(() => decryptMessage(key, s, corpId), -40010);
    }
  });

  it("-40008 when the ciphertext is empty or not a multiple of 32 bytes", () => {
    for (const n of [0, 16, 48, 33]) {
      expectCode(() => decryptMessage(key, Buffer.alloc(n, 1).toString("base64"), corpId), -40008);
    }
  });

  it("-40008 on pad bytes that disagree, pad 0 or pad > 32", async () => {
    const inconsistent = await rawFrame((f) => {
      const pad = f[f.length - 1] ?? 0;
      expect(pad).toBeGreaterThan(1);
      f[f.length - pad] = pad - 1;
      return f;
    });
    const zero = await rawFrame((f) => f.fill(0, f.length - (f[f.length - 1] ?? 0)));
    const tooBig = await rawFrame((f) => {
      const out = new Uint8Array(f.length + 32).fill(33);
      out.set(f);
      return out;
    });
    for (const encrypt of [inconsistent, zero, tooBig]) {
      await expect(openEnvelopeIndependently(key, encrypt)).rejects.toThrow();
      expectCode(() => decryptMessage(key, encrypt, corpId), -40008);
    }
  });

  it("-40008 when msg_len runs past the body or the body is shorter than 20 bytes", async () => {
    const longLen = await rawFrame((f) => {
      new DataView(f.buffer, f.byteOffset).setUint32(16, 1000, false);
      return f;
    });
    expectCode(() => decryptMessage(key, longLen, corpId), -40008);
    const hugeLen = await rawFrame((f) => {
      new DataView(f.buffer, f.byteOffset).setUint32(16, 0xffffffff, false);
      return f;
    });
    expectCode(() => decryptMessage(key, hugeLen, corpId), -40008);
    const short = await encryptRawBlocks(key, new Uint8Array(32).fill(32));
    expectCode(() => decryptMessage(key, short, corpId), -40008);
  });

  it("-40010 on URL-safe Base64 and on padding inside a ciphertext of the right length", () => {
    const good = encryptMessage(key, "a longer message, so the ciphertext has + and / somewhere: ".repeat(4), corpId, Buffer.from(random));
    const i = good.search(/[+/]/);
    expect(i).toBeGreaterThanOrEqual(0);
    const urlSafe = good.slice(0, i) + (good[i] === "+" ? "-" : "_") + good.slice(i + 1);
    expectCode(() => decryptMessage(key, urlSafe, corpId), -40010);
    expectCode(() => decryptMessage(key, `${good.slice(0, 8)}====${good.slice(12)}`, corpId), -40010);
  });

  it("a message that really holds U+FFFD decrypts; invalid bytes beside it are still refused", async () => {
    const text = "替换字符 \uFFFD 是合法的";
    expect(decryptMessage(key, encryptMessage(key, text, corpId), corpId)).toBe(text);
    const frame = framePlaintext("\uFFFD hello", corpId, random);
    frame[24] = 0xc0;
    const invalid = await encryptRawBlocks(key, frame);
    expectCode(() => decryptMessage(key, invalid, corpId), -40008);
  });

  it("-40005 when the receive id's bytes are not UTF-8", async () => {
    const frame = framePlaintext("hello", corpId, random);
    frame[frame.length - (frame[frame.length - 1] ?? 0) - 1] = 0xff;
    const sealed = await encryptRawBlocks(key, frame);
    expectCode(() => decryptMessage(key, sealed, corpId), -40005);
  });

  it("-40008 when msg is not valid UTF-8", async () => {
    const frame = framePlaintext("hello", corpId, random);
    frame[20] = 0xff;
    const encrypt = await encryptRawBlocks(key, frame);
    expectCode(() => decryptMessage(key, encrypt, corpId), -40008);
  });

  it("with the wrong key: an error, never garbage", () => {
    const encrypt = encryptMessage(key, php.sampleReply, corpId, Buffer.from(random));
    expect(() => decryptMessage(py.key, encrypt, corpId)).toThrow(WecomCryptoError);
  });
});

describe("EncodingAESKey", () => {
  it("accepts the vectors' keys, including non-canonical trailing bits", () => {
    for (const k of [php.key, py.key, wechatpy.key]) expect(isValidEncodingAesKey(k)).toBe(true);
    expect(aesKey(php.key).toString("hex")).toBe("8d69989bbaabe67328014c194631ad0719b3dca035b64023df292447aab60760");
  });

  it("-40004 on a malformed key, from aesKey, decrypt and encrypt", () => {
    for (const k of [
      "",
      php.key.slice(1),
      `${php.key}A`,
      `${php.key.slice(0, 42)}+`,
      `${php.key.slice(0, 42)}/`,
      `${php.key.slice(0, 42)}=`,
      `${php.key.slice(0, 42)} `,
    ]) {
      expect(isValidEncodingAesKey(k)).toBe(false);
      expectCode(() => aesKey(k), -40004);
      expectCode(() => decryptMessage(k, php.get.echostr, php.corpId), -40004);
      expectCode(() => encryptMessage(k, "x", php.corpId), -40004);
    }
  });
});

describe("test helper: GET query", () => {
  it("percent-encodes + / = like WeCom and verifies end to end", async () => {
    const { token, key, corpId, get } = php;
    const { query } = await sealEchostr({
      token,
      encodingAesKey: key,
      receiveId: corpId,
      plaintext: "echo 回声",
      timestamp: get.timestamp,
      nonce: get.nonce,
    });
    const qs = toQueryString(query);
    expect(qs).not.toMatch(/[+/]|=[^&]*=/);
    const parsed = new URLSearchParams(qs);
    const echostr = parsed.get("echostr") ?? "";
    expect(echostr).toBe(query.echostr);
    expect(verifySignature(parsed.get("msg_signature") ?? "", token, get.timestamp, get.nonce, echostr)).toBe(true);
    expect(decryptMessage(key, echostr, corpId)).toBe("echo 回声");
    expect(toQueryString({ echostr: get.echostr })).toBe(`echostr=${get.echostrInUrl}`);
  });
});
