import type { JobCounts, JobPhase, JobState } from "../services/directory/job-view";
import { COUNT_ROWS, phaseLabel, stateLabel } from "../views/labels";
import type { Lang, Text } from "./lang";

interface JobLike {
  id: number;
  state: JobState;
  phase: JobPhase;
  done: number;
  total: number;
}

/**
 * One number for the whole run, for chat progress: reading the scope 0–5 %, reading members up to
 * 50 %, planning 50 %, writing and deprovisioning up to 99 % (their done/total share one count),
 * a succeeded run 100 %.
 */
export function overallPercent(job: JobLike): number {
  if (job.state === "succeeded") return 100;
  const share = job.total > 0 ? Math.min(1, Math.max(0, job.done / job.total)) : 0;
  switch (job.phase) {
    case "queued":
    case "scope":
    case "departments":
      return 0;
    case "members":
      return Math.floor(5 + 45 * share);
    case "plan":
    case "verify":
      return 50;
    case "apply":
    case "deprovision":
      return Math.min(99, Math.floor(50 + 49 * share));
    case "done":
      return 99;
  }
}

export const VERB_TEXT: Record<string, Text> = {
  import: { zh: "导入", en: "Import" },
  sync: { zh: "同步", en: "Sync" },
};

export const verbText = (verb: string, lang: Lang): string => (VERB_TEXT[verb] ?? VERB_TEXT.sync!)[lang];

/** "#12 运行中 · 读取成员 45%" */
export function stateLine(job: JobLike, lang: Lang): string {
  const state = stateLabel(job.state)[lang];
  if (job.state !== "running" && job.state !== "queued") return `#${job.id} ${state}`;
  return `#${job.id} ${state} · ${phaseLabel(job.phase)[lang]} ${overallPercent(job)}%`;
}

/** The counts that are not zero, e.g. "新建成员 40，更新成员 2"; "无变化" when nothing changed. */
export function countsLine(counts: JobCounts, lang: Lang): string {
  const parts: string[] = [];
  for (const row of COUNT_ROWS) {
    const n = (counts[row.group] as Record<string, number>)[row.key] ?? 0;
    if (n > 0) parts.push(`${row[lang]} ${n}`);
  }
  if (parts.length === 0) return lang === "zh" ? "无变化" : "no changes";
  return parts.join(lang === "zh" ? "，" : ", ");
}
