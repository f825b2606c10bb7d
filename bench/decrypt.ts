// decrypt: the callback decryption of src/wecom/crypto.ts against Tencent's `@wecom/crypto` on
// the same messages, in one process, rounds alternating so both see the same machine. Messages of
// about 940 bytes (a contact change with extended attributes) and of 200 bytes (a chat text).
// Both must give the same plaintext; ours also refuses what the reference only mostly refuses
// (non-canonical Base64, bad padding, a wrong receive id, invalid UTF-8: docs/wecom.md#callback-crypto).
// Goal (informational): ours ≥ 1.0× the reference's messages per second.
//
//   npm run bench decrypt
//   BENCH_DECRYPT_ROUNDS=9 npm run bench decrypt
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { decrypt as referenceDecrypt } from "@wecom/crypto";
import { decryptMessage, encryptMessage } from "../src/wecom/crypto";
import { machine, table } from "./lib/report";

const ROUNDS = Number(process.env.BENCH_DECRYPT_ROUNDS ?? 7);
const MESSAGES = 2_000;
const PER_ROUND = 40_000;
const KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const CORP = "wx5823bf96d3bd56c7";

function contactChange(i: number, bytes: number): string {
  const head = `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${1_700_000_000 + i}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event><ChangeType><![CDATA[update_user]]></ChangeType><UserID><![CDATA[user${i}]]></UserID><Name><![CDATA[张三${i}]]></Name>`;
  const tail = "</xml>";
  let extra = "";
  for (let k = 0; Buffer.byteLength(head + extra + tail) < bytes; k++)
    extra += `<ExtAttr><Item><Name><![CDATA[属性${k}]]></Name><Type>0</Type><Text><Value><![CDATA[值${i}-${k}]]></Value></Text></Item></ExtAttr>`;
  return head + extra + tail;
}

interface Case {
  name: string;
  ciphertexts: string[];
  plaintexts: string[];
}

function makeCase(name: string, bytes: number): Case {
  const plaintexts = Array.from({ length: MESSAGES }, (_, i) => contactChange(i, bytes));
  return { name, plaintexts, ciphertexts: plaintexts.map((p) => encryptMessage(KEY, p, CORP, randomBytes(16))) };
}

type Decrypt = (ciphertext: string) => string;
const ours: Decrypt = (c) => decryptMessage(KEY, c, CORP);
const reference: Decrypt = (c) => {
  const { message, id } = referenceDecrypt(KEY, c);
  if (id !== CORP) throw new Error("receive id");
  return message;
};

/** Messages per second over one round. */
function round(fn: Decrypt, c: Case): number {
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < PER_ROUND; i++) sink += fn(c.ciphertexts[i % MESSAGES]!).length;
  const s = (performance.now() - t0) / 1000;
  if (sink === 0) throw new Error("nothing decrypted");
  return PER_ROUND / s;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(): Promise<boolean> {
  console.log(`Machine: ${machine()}`);
  const cases = [makeCase("contact change, ~940 B", 940), makeCase("small event, ~200 B", 200)];
  let ok = true;
  for (const c of cases) {
    for (let i = 0; i < MESSAGES; i++) {
      if (ours(c.ciphertexts[i]!) !== c.plaintexts[i] || reference(c.ciphertexts[i]!) !== c.plaintexts[i]) {
        console.error(`${c.name}: message ${i} decrypts differently`);
        ok = false;
      }
    }
  }
  if (!ok) return false;
  const rows: string[][] = [];
  for (const c of cases) {
    round(ours, c);
    round(reference, c);
    const a: number[] = [];
    const b: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      a.push(round(ours, c));
      b.push(round(reference, c));
    }
    const bytes = Buffer.byteLength(c.plaintexts[0]!);
    rows.push([
      c.name,
      String(bytes),
      Math.round(median(a)).toLocaleString("en-US"),
      Math.round(median(b)).toLocaleString("en-US"),
      `${(median(a) / median(b)).toFixed(2)}×`,
    ]);
  }
  console.log(
    table(["messages", "plaintext B", "ours msg/s", "@wecom/crypto msg/s", "ours / reference"], rows, [false, true, true, true, true]),
  );
  console.log(
    `Medians of ${ROUNDS} alternating rounds of ${PER_ROUND.toLocaleString("en-US")} decryptions each (${MESSAGES.toLocaleString("en-US")} distinct messages); goal ≥ 1.00×.`,
  );
  await Promise.resolve();
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = (await run()) ? 0 : 1;
