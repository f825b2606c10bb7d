// The Node entry's WeCom transport. Node's fetch (undici) costs noticeably more CPU per request
// than node:http: 2,000 user/list pages from the emulator took ~1.4 CPU-s through fetch and ~0.75
// through node:http with a keep-alive Agent, and a full import is thousands of calls. Workers have
// no node:http and keep fetchSend (src/wecom/transport.ts), as do the tests' in-process emulator.
// Outbound webhooks go the same way (docs/webhooks.md#delivery), and so do the bench's own requests
// (bench/lib/node-fetch.ts), which need more methods than WeCom's GET and POST.
import http from "node:http";
import https from "node:https";
import { HttpTrouble, type HttpAnswer, type HttpExchange, type HttpTroubleReason } from "../wecom/transport";

/** An exchange as HttpSend takes it, with any of the methods below: this send serves as an HttpSend too. */
export type NodeHttpExchange = Omit<HttpExchange, "method"> & { method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" };
export type NodeHttpSend = (x: NodeHttpExchange) => Promise<HttpAnswer>;

export function nodeHttpSend(opts: { maxSockets?: number } = {}): { send: NodeHttpSend; close: () => void } {
  const agentOptions = { keepAlive: true, maxSockets: opts.maxSockets ?? 16, scheduling: "lifo" } as const;
  const agents = { "http:": new http.Agent(agentOptions), "https:": new https.Agent(agentOptions) };

  const send: NodeHttpSend = (x) =>
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
