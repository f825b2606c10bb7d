import { describe, expect, it } from "vitest";
import { workerResolveHost } from "../../src/entry/worker-dns";

/** Cloudflare's DNS-over-HTTPS JSON answers, by record type, as a fetch. */
function doh(answers: Record<string, { Status: number; Answer?: { type: number; data: string }[] }>) {
  const asked: string[] = [];
  const send: typeof fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    asked.push(`${url.searchParams.get("name")} ${url.searchParams.get("type")} ${new Headers(init?.headers).get("accept")}`);
    return Promise.resolve(Response.json(answers[url.searchParams.get("type")!]));
  };
  return { send, asked };
}

describe("the Workers resolver (DNS over HTTPS)", () => {
  it("answers the A and AAAA addresses, skipping CNAME records", async () => {
    const { send, asked } = doh({
      A: {
        Status: 0,
        Answer: [
          { type: 5, data: "edge.example.net." },
          { type: 1, data: "10.0.0.7" },
        ],
      },
      AAAA: { Status: 0, Answer: [{ type: 28, data: "2001:db8::7" }] },
    });
    expect(await workerResolveHost(send)("hooks.example.com")).toEqual(["10.0.0.7", "2001:db8::7"]);
    expect(asked).toEqual(["hooks.example.com A application/dns-json", "hooks.example.com AAAA application/dns-json"]);
  });

  it("throws for NXDOMAIN and for a name without addresses", async () => {
    await expect(workerResolveHost(doh({ A: { Status: 3 }, AAAA: { Status: 3 } }).send)("nowhere.example.com")).rejects.toThrow(/status 3/);
    await expect(workerResolveHost(doh({ A: { Status: 0 }, AAAA: { Status: 0 } }).send)("empty.example.com")).rejects.toThrow(/no address/);
  });
});
