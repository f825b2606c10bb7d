import type { Deps } from "../deps";

export interface Heartbeat {
  /** A renewal found the lease gone: someone else holds the work now, so the holder must stop. */
  readonly lost: boolean;
  /** Stops renewing; waits for a renewal in flight, so none lands after the holder let go. */
  stop(): Promise<void>;
}

/**
 * Keeps a lease alive while its holder works, however long one piece of work takes: `renew`
 * pushes the lease out every `everyMs` and answers false once the lease is no longer the holder's.
 * Leases are several beats long, so a failed renewal (a database hiccup) is logged and the next
 * beat tries again; a holder that dies stops beating and its lease lapses within one lease term.
 * Without a ticker in deps nothing is renewed.
 */
export function startHeartbeat(
  deps: Pick<Deps, "ticker" | "logger">,
  o: { everyMs: number; renew: () => Promise<boolean>; what: string; fields?: Record<string, unknown> },
): Heartbeat {
  let lost = false;
  let stopped = false;
  let inFlight: Promise<void> | undefined;
  const beat = async () => {
    try {
      if (!(await o.renew())) {
        lost = true;
        cancel();
        deps.logger.warn(`${o.what}: lease lost`, o.fields);
      }
    } catch (err) {
      deps.logger.warn(`${o.what}: lease renewal failed, retrying`, { ...o.fields, error: err });
    }
  };
  const cancel: () => void =
    deps.ticker?.every(o.everyMs, () => {
      // A slow renewal is not overtaken by the next one: renewals stay in order.
      if (stopped || lost || inFlight) return inFlight;
      inFlight = beat().finally(() => (inFlight = undefined));
      return inFlight;
    }) ?? (() => {});
  return {
    get lost() {
      return lost;
    },
    async stop() {
      stopped = true;
      cancel();
      await inFlight;
    },
  };
}
