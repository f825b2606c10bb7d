import type { Deps } from "../../deps";

/**
 * Whether a host names this machine or a private network: loopback, RFC 1918, link-local (cloud
 * metadata), CGNAT, unique-local IPv6, unspecified and multicast, and `localhost`, `.local`,
 * `.internal`. Only the literal host: `judgeHost` also judges what a name resolves to.
 */
export function isPrivateHost(hostname: string): boolean {
  // "localhost." is localhost: a name's trailing dot only says it is fully qualified.
  const host = hostname
    .replace(/^\[|\]$/g, "")
    .replace(/\.$/, "")
    .toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) return true;
  // URL has already normalised the host: IPv4 in dotted decimal, IPv6 (bracketed) in lower case.
  if (isIpv4(host)) return privateV4(host);
  if (host.includes(":")) {
    if (host === "::1" || host === "::") return true;
    const mapped = /^(?:::ffff|64:ff9b):([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
    if (mapped) {
      const hi = parseInt(mapped[1]!, 16);
      const lo = parseInt(mapped[2]!, 16);
      return privateV4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    return /^f[cd]/.test(host) || /^fe[89ab]/.test(host) || /^ff/.test(host);
  }
  return false;
}

const isIpv4 = (host: string) => /^\d+\.\d+\.\d+\.\d+$/.test(host);

/** An address as a resolver answers it (IPv6 in any spelling), judged like a literal host. */
export function isPrivateAddress(address: string): boolean {
  if (!address.includes(":")) return isPrivateHost(address);
  try {
    return isPrivateHost(new URL(`http://[${address}]/`).hostname);
  } catch {
    return true;
  }
}

function privateV4(ip: string): boolean {
  const [a = 0, b = 0] = ip.split(".").map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    a >= 224 ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

export type HostVerdict = { ok: true } | { ok: false; reason: "private" | "unresolved"; detail: string };

/**
 * May a webhook go to this host? Refused when the host, or any address its name resolves to, is
 * private (docs/webhooks.md#private-addresses); a name that does not resolve is refused too.
 * Asked when an endpoint is added and again before every delivery, so a name later pointed at a
 * private address (DNS rebinding) is caught. `WEBHOOK_ALLOW_PRIVATE=true` skips the check.
 */
export async function judgeHost(deps: Deps, hostname: string, lookups?: Map<string, Promise<string[]>>): Promise<HostVerdict> {
  if (deps.config.webhookAllowPrivate) return { ok: true };
  if (isPrivateHost(hostname)) return { ok: false, reason: "private", detail: hostname };
  const host = hostname.replace(/^\[|\]$/g, "");
  if (isIpv4(host) || host.includes(":")) return { ok: true };
  let addresses: string[];
  try {
    let pending = lookups?.get(host);
    if (!pending) {
      pending = deps.resolveHost(host);
      lookups?.set(host, pending);
    }
    addresses = await pending;
  } catch (err) {
    return { ok: false, reason: "unresolved", detail: err instanceof Error ? err.message : String(err) };
  }
  if (addresses.length === 0) return { ok: false, reason: "unresolved", detail: `${host} has no address` };
  const bad = addresses.find(isPrivateAddress);
  return bad === undefined ? { ok: true } : { ok: false, reason: "private", detail: `${host} → ${bad}` };
}
