/**
 * Login throttling, in a 15-minute window that starts at the first attempt:
 * - 5 attempts per (username, client address): a guesser is stopped quickly, but only from where
 *   it guesses — five wrong passwords from elsewhere never lock the owner out of their own address;
 * - 20 attempts per client address, whatever the usernames (password spraying);
 * - 100 attempts per username across all addresses: a ceiling against guessing from many
 *   addresses, far above anything a person types, so locking someone out takes a botnet.
 * Every attempt is counted *before* the password is checked and a successful one is given back,
 * so a burst of parallel guesses cannot all slip past a check that has not seen the others yet.
 * Counts live in PostgreSQL, so every instance shares them.
 */
export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const PAIR_LIMIT = 5;
export const ADDRESS_LIMIT = 20;
export const USERNAME_CEILING = 100;
/** Registrations per client address in the same window: each costs a scrypt hash. */
export const REGISTER_LIMIT = 20;

export const usernameThrottleKey = (key: string): string => `user:${key}`;
export const addressThrottleKey = (ip: string): string => `ip:${addressBucket(ip)}`;
/** An unknown address (no socket, no trusted header) shares one bucket per username. */
export const pairThrottleKey = (key: string, ip: string | null): string => `pair:${ip ? addressBucket(ip) : "?"}|${key}`;
export const registerThrottleKey = (ip: string): string => `register:${addressBucket(ip)}`;

/** Seconds until the earliest moment every exceeded window has passed (at least 1). */
export function retryAfterSeconds(exceeded: { windowStart: Date }[], now: Date): number {
  const until = Math.max(...exceeded.map((w) => w.windowStart.getTime() + LOGIN_WINDOW_MS));
  return Math.max(1, Math.ceil((until - now.getTime()) / 1000));
}

/**
 * The throttle bucket of a client address: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its
 * /64, since one host usually holds a whole /64 and could otherwise step through it.
 */
export function addressBucket(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!ip.includes(":")) return ip;
  const [head = "", tail = ""] = ip.toLowerCase().split("%")[0]!.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const full = ip.includes("::") ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right] : left;
  return `${full
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
