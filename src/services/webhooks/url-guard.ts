/**
 * Whether a host names this machine or a private network: loopback, RFC 1918, link-local (cloud
 * metadata), CGNAT, unique-local IPv6 and `localhost`. Only literal addresses and names are
 * judged; a public name that resolves to a private address is the network's business (Workers
 * cannot reach private addresses at all).
 */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local") || host.endsWith(".internal")) return true;
  // URL has already normalised the host: IPv4 in dotted decimal, IPv6 (bracketed) in lower case.
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return privateV4(host);
  if (host.includes(":")) {
    if (host === "::1" || host === "::") return true;
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(host);
    if (mapped) {
      const hi = parseInt(mapped[1]!, 16);
      const lo = parseInt(mapped[2]!, 16);
      return privateV4(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`);
    }
    return /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
  }
  return false;
}

function privateV4(ip: string): boolean {
  const [a = 0, b = 0] = ip.split(".").map(Number);
  return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
}
