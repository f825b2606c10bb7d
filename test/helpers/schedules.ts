import { schedule } from "../../src/jobs/schedule";
import type { TestDeps } from "./deps";

/** The period node-cron gives a schedule entry on Node ("*\/n * * * * *": every n seconds). */
export function nodePeriodMs(name: string): number {
  const m = /^\*\/(\d+) \* \* \* \* \*$/.exec(schedule.find((w) => w.name === name)?.nodeCron ?? "");
  if (!m) throw new Error(`${name} has no seconds schedule on Node`);
  return Number(m[1]) * 1000;
}

/**
 * Runs a schedule entry on the instance's ticker as node-cron does on Node; `after` sees what each
 * run answered and the (fake) time it started at.
 */
export function onNodeSchedule(deps: TestDeps, name: string, after?: (answer: unknown, startedAt: number) => void | Promise<void>): void {
  const work = schedule.find((w) => w.name === name);
  if (!work) throw new Error(`no schedule entry ${name}`);
  deps.ticker.every(nodePeriodMs(name), async () => {
    const startedAt = deps.clock.now().getTime();
    const answer = await work.run(deps);
    await after?.(answer, startedAt);
  });
}
