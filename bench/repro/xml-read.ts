// What reading a callback's two XML documents costs (src/wecom/xml.ts): the one-pass flat reading
// against the validated full parse it falls back to, on the same envelope (a 940-byte message's)
// and text message, in one process: `npx tsx bench/repro/xml-read.ts`. Prints µs per document,
// the median of 5 rounds of 100,000 after a warm-up.
import { performance } from "node:perf_hooks";
import { flatFields, parseRootFully } from "../../src/wecom/xml";

const envelope = `<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[${"A".repeat(1_272)}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`;
const message =
  "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><FromUserName><![CDATA[mycreate]]></FromUserName>" +
  "<CreateTime>1409659813</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[同步 sync now]]></Content>" +
  "<MsgId>4561255354251345929</MsgId><AgentID>218</AgentID></xml>";
const N = 100_000;

function microseconds(read: (xml: string) => unknown, xml: string): number {
  for (let i = 0; i < 20_000; i++) read(xml);
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) read(xml);
    rounds.push(((performance.now() - t0) * 1000) / N);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

for (const [name, xml] of [
  ["envelope", envelope],
  ["text message", message],
] as const) {
  if (flatFields(xml) === null) throw new Error(`${name}: not of the flat shape`);
  const full = microseconds(parseRootFully, xml);
  const flat = microseconds(flatFields, xml);
  console.log(`${name.padEnd(12)} full parse ${full.toFixed(2)} µs · flat reading ${flat.toFixed(2)} µs · ${(full / flat).toFixed(1)} ×`);
}
