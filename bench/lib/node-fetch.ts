// A fetch for the load generator's own requests (the emulator's callback pushes, the change
// driver's calls) over the service's node:http sender (src/entry/node-http-send.ts). undici's fetch
// spent about 1 ms of CPU per request there (a web stream each way, an AbortSignal timer), on the
// two cores the service under test shares: generator CPU that showed up as the service's time
// (BENCHMARKS.md, import-changes). Only what those callers use: a string body, the status and the
// text of the answer; a caller's signal is not watched, the sender's own timeout stands for it.
import { nodeHttpSend, type NodeHttpExchange } from "../../src/entry/node-http-send";

const http = nodeHttpSend({ maxSockets: 32 });
const TIMEOUT_MS = 10_000;
const METHODS: readonly string[] = ["GET", "POST", "PUT", "PATCH", "DELETE"] satisfies NodeHttpExchange["method"][];

export async function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  if (input instanceof Request) throw new Error("nodeFetch takes a URL");
  const body = init.body ?? undefined;
  if (body !== undefined && typeof body !== "string") throw new Error("nodeFetch takes a string body");
  const method = (init.method ?? "GET").toUpperCase();
  if (!METHODS.includes(method)) throw new Error(`nodeFetch does not send ${method}`);
  const answer = await http.send({
    method: method as NodeHttpExchange["method"],
    url: String(input),
    headers: Object.fromEntries(new Headers(init.headers)),
    ...(body === undefined ? {} : { body }),
    timeoutMs: TIMEOUT_MS,
  });
  return new Response(answer.status === 204 || answer.status === 304 ? null : answer.text, { status: answer.status });
}
