// The Node entry's WeCom transport. Node's fetch (undici) costs noticeably more CPU per request
// than node:http: 2,000 user/list pages from the emulator took ~1.4 CPU-s through fetch and ~0.75
// through node:http with a keep-alive Agent, and a full import is thousands of calls. Workers have
// no node:http and keep fetchSend (src/wecom/transport.ts), as do the tests' in-process emulator.
import http from "node:http";
import https from "node:https";
import { HttpTrouble, type HttpAnswer, type HttpSend, type HttpTroubleReason } from "../wecom/transport";

const AGENT_OPTIONS = { keepAlive: true, maxSockets: 16, scheduling: "lifo" } as const;

export function nodeHttpSend(): { send: HttpSend; close: () => void } {
  const agents = { "http:": new http.Agent(AGENT_OPTIONS), "https:": new https.Agent(AGENT_OPTIONS) };

  const send: HttpSend = (x) =>
    new Promise<HttpAnswer>((resolve, reject) => {
      const url = URL.canParse(x.url) ? new URL(x.url) : undefined;
      if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
        reject(new HttpTrouble("network error"));
        return;
      }
      let settled = false;
      let responded = false;
      const settle = (done: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        done();
      };
      const fail = (reason: HttpTroubleReason) => settle(() => reject(new HttpTrouble(reason)));
      let req: http.ClientRequest | undefined;
      // One deadline for connect, headers and body alike, as AbortSignal.timeout gives fetch.
      const timer = setTimeout(() => {
        fail("timeout");
        req?.destroy();
      }, x.timeoutMs);
      const headers = x.body === undefined ? x.headers : { ...x.headers, "content-length": String(Buffer.byteLength(x.body)) };
      const lib = url.protocol === "https:" ? https : http;
      try {
        req = lib.request(url, { method: x.method, headers, agent: agents[url.protocol] }, (res) => {
          responded = true;
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", () => fail("connection reset while reading"));
          res.on("close", () => {
            if (!res.complete) fail("connection reset while reading");
          });
          // Decoded once whole: a multi-byte character may straddle two chunks.
          res.on("end", () => settle(() => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") })));
        });
      } catch {
        // e.g. a header value Node refuses; fetch would have thrown too.
        fail("network error");
        return;
      }
      req.on("error", () => fail(responded ? "connection reset while reading" : "network error"));
      req.end(x.body);
    });

  return {
    send,
    close: () => {
      agents["http:"].destroy();
      agents["https:"].destroy();
    },
  };
}
