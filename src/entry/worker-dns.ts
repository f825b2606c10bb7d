import type { ResolveHost } from "../deps";

/** Cloudflare's DNS over HTTPS, JSON flavour: Workers have no resolver API of their own. */
const DOH = "https://cloudflare-dns.com/dns-query";
const RECORD_TYPES = [
  { name: "A", code: 1 },
  { name: "AAAA", code: 28 },
] as const;

interface DohAnswer {
  Status: number;
  Answer?: { type: number; data: string }[];
}

/**
 * A and AAAA records through DNS over HTTPS (two subrequests per name; deliver.ts asks once per
 * host and batch). A name with neither record, or a DNS error (Status ≠ 0), throws.
 */
export function workerResolveHost(send: typeof fetch = fetch): ResolveHost {
  return async (hostname) => {
    const answers = await Promise.all(
      RECORD_TYPES.map(async (t) => {
        const res = await send(`${DOH}?name=${encodeURIComponent(hostname)}&type=${t.name}`, {
          headers: { accept: "application/dns-json" },
        });
        if (!res.ok) throw new Error(`DNS over HTTPS answered ${res.status}`);
        const body = (await res.json()) as DohAnswer;
        if (body.Status !== 0) throw new Error(`DNS status ${body.Status} for ${hostname}`);
        return (body.Answer ?? []).filter((a) => a.type === t.code).map((a) => a.data);
      }),
    );
    const addresses = answers.flat();
    if (addresses.length === 0) throw new Error(`${hostname} has no address`);
    return addresses;
  };
}
