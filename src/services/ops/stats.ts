import { allTeamSlugs, currentRateWindows, inboxCountsByTeam, jobCountsByTeam, memberCountsByTeam } from "../../db/queries/ops-stats";
import { INBOX_STATUSES, JOB_STATES, MEMBER_STATUSES } from "../../db/schema";
import type { Deps } from "../../deps";
import type { OpsStats, TeamStats } from "../../metrics";

const zeros = (keys: readonly string[]): Record<string, number> => Object.fromEntries(keys.map((k) => [k, 0]));

/**
 * The operator's view of every team, from the database: the same answer from any instance and
 * either runtime. Node's /metrics turns it into gauges; `GET /api/operator/stats` answers it as JSON.
 */
export async function collectStats(deps: Deps): Promise<OpsStats> {
  const now = deps.clock.now();
  const ms = now.getTime();
  const [slugs, inbox, members, jobs, windows] = await Promise.all([
    allTeamSlugs(deps.db),
    inboxCountsByTeam(deps.db, { now }),
    memberCountsByTeam(deps.db),
    jobCountsByTeam(deps.db),
    currentRateWindows(deps.db, { minute: new Date(ms - (ms % 60_000)), hour: new Date(ms - (ms % 3_600_000)) }),
  ]);
  const teams = new Map<string, TeamStats>(
    slugs.map((slug) => [
      slug,
      { slug, callbacks: zeros(INBOX_STATUSES), inboxOldestPendingSeconds: null, members: zeros(MEMBER_STATUSES), jobs: zeros(JOB_STATES) },
    ]),
  );
  for (const r of inbox) {
    const t = teams.get(r.slug);
    if (!t) continue;
    t.callbacks[r.status] = r.n;
    if (r.oldestSeconds !== null) t.inboxOldestPendingSeconds = Math.max(t.inboxOldestPendingSeconds ?? 0, Math.round(r.oldestSeconds));
  }
  for (const r of members) {
    const t = teams.get(r.slug);
    if (t) t.members[r.status] = r.n;
  }
  for (const r of jobs) {
    const t = teams.get(r.slug);
    if (t) t.jobs[r.state] = r.n;
  }
  const { perMinute, perHour } = deps.config.wecomBudget;
  const wecomBudget = windows.map((w) => {
    const minute = w.bucket.endsWith("/min");
    return {
      corpId: w.corpId,
      api: w.bucket.slice(0, w.bucket.lastIndexOf("/")),
      window: minute ? ("minute" as const) : ("hour" as const),
      calls: w.calls,
      limit: minute ? perMinute : perHour,
    };
  });
  return { at: now.toISOString(), teams: [...teams.values()], wecomBudget };
}
