import type { Defer } from "../deps";
import type { Logger } from "../logger";

/** Node's `defer`: runs tasks after the response, remembers them so shutdown can drain them. */
export function deferQueue(logger: Logger): { defer: Defer; drain: () => Promise<void> } {
  const running = new Set<Promise<unknown>>();
  const defer: Defer = (task) => {
    const p = task()
      .catch((err: unknown) => logger.error("deferred task failed", { error: err }))
      .finally(() => running.delete(p));
    running.add(p);
  };
  const drain = async () => {
    while (running.size > 0) await Promise.allSettled([...running]);
  };
  return { defer, drain };
}
