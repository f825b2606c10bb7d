import type { Ticker } from "../deps";

/**
 * Real timers. Unref'd on Node: a heartbeat only runs while its work runs, and that work keeps the
 * process alive by itself; a forgotten ticker must not keep a stopping process up.
 */
export const intervalTicker: Ticker = {
  every(ms, fn) {
    const timer = setInterval(() => void fn(), ms);
    if (typeof timer === "object" && "unref" in timer) timer.unref();
    return () => clearInterval(timer);
  },
};
