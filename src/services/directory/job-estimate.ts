import type { JobRow } from "../../db/queries/sync-jobs";
import type { Budget } from "../../wecom/limiter";
import type { SyncCursor } from "./job-context";

/**
 * How long the members phase still needs, and what bounds it (docs/sync.md#how-long-an-import-takes):
 * `pace`, the departments still to list at the rate listed so far; `budget`, the WeCom calls still
 * to make at the per-minute budget the service allows itself (`WECOM_BUDGET_PER_MINUTE`, half of
 * WeCom's limit). The larger wins: a run that spent a minute's budget in its first seconds waits
 * for the next minute, which its pace so far does not show.
 */
export interface JobEstimate {
  seconds: number;
  bound: "pace" | "budget";
  /** The budget it is bound by: calls per minute per API. */
  callsPerMinute: number;
}

/** Only a running job's members phase: it makes nearly all of a sync's WeCom calls and takes most of its time. */
export function estimateJob(job: JobRow, now: Date, budget: Budget): JobEstimate | undefined {
  if (job.state !== "running" || job.phase !== "members") return undefined;
  const c = job.cursor as SyncCursor;
  const listsLeft = Math.max(0, (c.departmentIds?.length ?? job.total) - (c.deptIndex ?? 0));
  const getsLeft = Math.max(0, (c.extraUserIds?.length ?? 0) - (c.extraIndex ?? 0));
  if (listsLeft + getsLeft === 0) return undefined;
  // One user/list per department, then one user/get per member visible on their own: two APIs, each
  // with its own budget, drawn one after the other.
  const budgetSeconds = ((listsLeft + getsLeft) / budget.perMinute) * 60;
  const started = c.membersSince ? Date.parse(c.membersSince) : Number.NaN;
  const elapsed = (now.getTime() - started) / 1000;
  const done = c.deptIndex ?? 0;
  const paceSeconds = done > 0 && elapsed > 0 ? ((listsLeft + getsLeft) * elapsed) / done : 0;
  const bound = budgetSeconds >= paceSeconds ? "budget" : "pace";
  return { seconds: Math.ceil(Math.max(budgetSeconds, paceSeconds)), bound, callsPerMinute: budget.perMinute };
}
