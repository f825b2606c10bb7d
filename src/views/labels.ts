import type { JobPhase, JobState } from "../services/directory/job-view";

/** A label a person reads: Chinese first, then English: everything a person reads exists in both. */
export interface Bilingual {
  zh: string;
  en: string;
}

export const STATE_LABELS: Record<JobState, Bilingual> = {
  queued: { zh: "排队中", en: "queued" },
  running: { zh: "运行中", en: "running" },
  needs_confirmation: { zh: "等待确认", en: "needs confirmation" },
  succeeded: { zh: "已完成", en: "succeeded" },
  failed: { zh: "失败", en: "failed" },
  cancelled: { zh: "已取消", en: "cancelled" },
};

export const PHASE_LABELS: Record<JobPhase, Bilingual> = {
  queued: { zh: "等待开始", en: "waiting to start" },
  scope: { zh: "读取范围", en: "reading the scope" },
  departments: { zh: "读取部门", en: "reading departments" },
  members: { zh: "读取成员", en: "reading members" },
  plan: { zh: "规划", en: "planning" },
  verify: { zh: "核实缺席成员", en: "confirming who is gone" },
  apply: { zh: "写入", en: "applying" },
  deprovision: { zh: "处理离职", en: "deprovisioning" },
  done: { zh: "完成", en: "done" },
};

/** What a phase's "done / total" counts, so "12 / 12" says of what. */
export const PHASE_UNITS: Record<JobPhase, Bilingual> = {
  queued: { zh: "步骤", en: "steps" },
  scope: { zh: "部门", en: "departments" },
  departments: { zh: "部门", en: "departments" },
  members: { zh: "成员", en: "members" },
  plan: { zh: "变更", en: "changes" },
  verify: { zh: "成员", en: "members" },
  apply: { zh: "变更", en: "changes" },
  deprovision: { zh: "成员", en: "members" },
  done: { zh: "变更", en: "changes" },
};

export const phaseUnit = (phase: string): Bilingual => labelOf(PHASE_UNITS, phase);

/**
 * What is left of the members phase (JobEstimate), `{n}` minutes and `{b}` calls a minute filled
 * in by estimateLabel, on the page and by the live script alike.
 */
export const ESTIMATE_LABELS = {
  soon: { zh: "预计不到 1 分钟完成", en: "Under a minute left" },
  pace: { zh: "预计还需约 {n} 分钟", en: "About {n} min left" },
  budget: {
    zh: "预计还需约 {n} 分钟（受企业微信调用额度限制：每分钟 {b} 次）",
    en: "About {n} min left (bound by the WeCom call budget: {b} calls a minute)",
  },
} satisfies Record<string, Bilingual>;

export function estimateLabel(e: { seconds: number; bound: "pace" | "budget"; callsPerMinute: number }): Bilingual {
  const n = Math.round(e.seconds / 60);
  const l = n < 1 ? ESTIMATE_LABELS.soon : ESTIMATE_LABELS[e.bound];
  const fill = (t: string) => t.replace("{n}", String(n)).replace("{b}", e.callsPerMinute.toLocaleString("en-US"));
  return { zh: fill(l.zh), en: fill(l.en) };
}

/** States after which a job's page stops updating: finished, or waiting for an admin. */
export const SETTLED_STATES: readonly JobState[] = ["needs_confirmation", "succeeded", "failed", "cancelled"];

export const isSettled = (state: JobState): boolean => SETTLED_STATES.includes(state);

/** Unknown values (a newer state than this build knows) still render, untranslated. */
export function labelOf(labels: Readonly<Record<string, Bilingual>>, key: string): Bilingual {
  return (labels as Record<string, Bilingual | undefined>)[key] ?? { zh: key, en: key };
}

export const stateLabel = (state: string): Bilingual => labelOf(STATE_LABELS, state);

export const phaseLabel = (phase: string): Bilingual => labelOf(PHASE_LABELS, phase);

export const COUNT_ROWS = [
  { group: "departments", key: "created", zh: "新建部门", en: "Departments created" },
  { group: "departments", key: "updated", zh: "更新部门", en: "Departments updated" },
  { group: "departments", key: "moved", zh: "移动部门", en: "Departments moved" },
  { group: "departments", key: "deleted", zh: "删除部门", en: "Departments deleted" },
  { group: "members", key: "created", zh: "新建成员", en: "Members created" },
  { group: "members", key: "updated", zh: "更新成员", en: "Members updated" },
  { group: "members", key: "moved", zh: "调动成员", en: "Members moved" },
  { group: "members", key: "deprovisioned", zh: "离职处理成员", en: "Members deprovisioned" },
] as const;

/** "1 member", "2 members": English counts agree with their number (Chinese needs no plural). */
export const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** Whole percent of the current phase; a succeeded job is 100 %. */
export function percentOf(p: { state: string; done: number; total: number }): number {
  if (p.state === "succeeded") return 100;
  if (p.total <= 0) return 0;
  return Math.max(0, Math.min(100, Math.floor((p.done * 100) / p.total)));
}
