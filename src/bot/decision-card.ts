import { randomBytes } from "node:crypto";
import { createDecisionCard, deleteDecisionCard, markDecisionCardSent } from "../db/queries/bot-jobs";
import type { Deps } from "../deps";
import { jobProgressUrl } from "../security/signed-link";
import { wecomAdminUserIds } from "../services/access/wecom-admin";
import type { SyncCursor } from "../services/directory/job-context";
import type { JobRow } from "../services/directory/read-jobs";
import { boundTeamById } from "../services/directory/team-lookup";
import type { OutgoingMessage } from "../wecom/types";
import { sendMessage } from "./reply";

export type Decision = "confirm" | "reject";

export const DECISION_TEXT: Record<Decision, { zh: string; en: string }> = {
  confirm: { zh: "已允许", en: "Allowed" },
  reject: { zh: "已拒绝", en: "Rejected" },
};

interface CardFacts {
  taskId: string;
  jobId: number;
  teamName: string;
  breaker: NonNullable<SyncCursor["breaker"]>;
  progressUrl: string;
}

/** `confirm:<jobId>` / `reject:<jobId>`: the buttons' keys (docs/wecom.md#messages-and-cards, ≤ 1024 bytes, unique). */
export function parseDecisionKey(eventKey: string): { decision: Decision; jobId: number } | null {
  const m = /^(confirm|reject):(\d{1,15})$/.exec(eventKey);
  return m ? { decision: m[1] as Decision, jobId: Number(m[2]) } : null;
}

/** The card body: button_interaction (docs/wecom.md#messages-and-cards); title ≤ 36 chars, desc ≤ 44. */
export function decisionCardBody(f: CardFacts): Record<string, unknown> {
  const { deprovisions, threshold, active } = f.breaker;
  return {
    card_type: "button_interaction",
    task_id: f.taskId,
    source: { desc: "wecom-roster", desc_color: 0 },
    main_title: { title: `确认离职处理 ${deprovisions} 名成员？`, desc: `Deprovision ${deprovisions} members?` },
    sub_title_text:
      `「${[...f.teamName].slice(0, 40).join("")}」同步 #${f.jobId} 超过上限 ${threshold}（活跃成员 ${active}），已暂停。` +
      ` / Sync #${f.jobId} exceeds the limit of ${threshold} (${active} active) and is paused.`,
    horizontal_content_list: [{ type: 1, keyname: "进度 Progress", value: `#${f.jobId}`, url: f.progressUrl }],
    button_list: [
      { text: "允许 Allow", style: 1, key: `confirm:${f.jobId}` },
      { text: "拒绝 Reject", style: 2, key: `reject:${f.jobId}` },
    ],
  };
}

/** The same card once decided: the buttons become grey text, the subtitle says who chose what. */
export function decidedCardBody(
  f: CardFacts,
  d: { decision: Decision; by: string; note?: { zh: string; en: string } },
): Record<string, unknown> {
  const t = DECISION_TEXT[d.decision];
  const note = d.note ? ` ${d.note.zh} / ${d.note.en}` : "";
  return {
    ...decisionCardBody(f),
    sub_title_text: `${d.by} ${t.zh}同步 #${f.jobId} / ${t.en} by ${d.by}.${note}`,
    replace_text: `${t.zh} ${t.en}`,
  };
}

/** What a card about this job shows, read from the job (its breaker counts live in the cursor). */
export function cardFacts(deps: Deps, p: { taskId: string; job: JobRow; team: { slug: string; name: string } }): CardFacts {
  const breaker = (p.job.cursor as SyncCursor).breaker ?? { deprovisions: 0, threshold: 0, active: 0 };
  return {
    taskId: p.taskId,
    jobId: p.job.id,
    teamName: p.team.name,
    breaker,
    progressUrl: jobProgressUrl(deps.config, p.team.slug, p.job.id, deps.clock.now()),
  };
}

/**
 * When the breaker stops a run, every WeCom admin of the team gets one Allow/Reject card
 * (docs/sync.md#brakes). The card row is created before sending, so two observers send one card.
 */
export async function offerDecision(deps: Deps, job: JobRow): Promise<void> {
  const found = await boundTeamById(deps.db, job.teamId);
  if (!found) return;
  const recipients = await wecomAdminUserIds(deps.db, { teamId: job.teamId });
  if (recipients.length === 0) {
    deps.logger.info("breaker tripped; no WeCom admin to send a card to", { teamId: job.teamId, jobId: job.id });
    return;
  }
  // task_id: unique per app, [0-9A-Za-z_-@], ≤ 128 bytes (docs/wecom.md#messages-and-cards).
  const taskId = `wr_job_${job.id}_${randomBytes(6).toString("hex")}`;
  const card = await createDecisionCard(deps.db, { jobId: job.id, teamId: job.teamId, taskId, recipients, now: deps.clock.now() });
  if (!card) return;
  const message: OutgoingMessage = {
    touser: recipients,
    msgtype: "template_card",
    template_card: decisionCardBody(cardFacts(deps, { taskId, job, team: found.team })),
  };
  try {
    await sendMessage(deps, found.binding, message);
    await markDecisionCardSent(deps.db, { jobId: job.id, now: deps.clock.now() });
  } catch (err) {
    // Unsent: drop the row so the next look at the job (进度, 同步) offers the card again.
    await deleteDecisionCard(deps.db, { jobId: job.id });
    throw err;
  }
}
