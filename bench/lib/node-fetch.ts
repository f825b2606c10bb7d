// A fetch for the load generator's own requests (the emulator's callback pushes, the change
// driver's calls) on node:http with a keep-alive agent. undici's fetch spent about 1 ms of CPU per
// request there (a web stream each way, an AbortSignal timer), on the two cores the service under
// test shares: generator CPU that showed up as the service's time (BENCHMARKS.md, import-changes).
// Only what those callers use: a string body, the status and the text of the answer.
import { Agent, request } from "node:http";

const agent = new Agent({ keepAlive: true, maxSockets: 32 });
const TIMEOUT_MS = 10_000;

export function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  if (input instanceof Request) throw new Error("nodeFetch takes a URL");
  const body = init.body;
  if (body !== undefined && body !== null && typeof body !== "string") throw new Error("nodeFetch takes a string body");
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(input),
      { method: init.method ?? "GET", headers: init.headers as Record<string, string> | undefined, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve(
            new Response(res.statusCode === 204 || res.statusCode === 304 ? null : Buffer.concat(chunks), { status: res.statusCode ?? 0 }),
          ),
        );
        res.on("error", reject);
      },
    );
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(body ?? undefined);
  });
}
