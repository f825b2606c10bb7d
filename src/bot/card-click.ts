import { consumeDecisionCard, findDecisionCard, type DecisionCardRow } from "../db/queries/bot-jobs";
import { claimBotMessage, claimReply, releaseReply, saveBotResult } from "../db/queries/bot-messages";
import type { Deps } from "../deps";
import { AppError } from "../errors";
import { isWecomAdmin } from "../services/access/wecom-admin";
import { decideJob } from "../services/directory/decide-job";
import { memberByUserId } from "../services/directory/get-member";
import { findJobById } from "../services/directory/read-jobs";
import { boundTeamById, type BindingRow, type TeamRow } from "../services/directory/team-lookup";
import { teamApi } from "../services/invitations/team-api";
import type { TemplateCardEvent } from "../wecom/messages";
import { cardFacts, decidedCardBody, DECISION_TEXT, parseDecisionKey, type Decision } from "./decision-card";
import { replyOnce } from "./dispatch";
import { sendText } from "./reply";

type ClickOutcome =
  | { kind: "refused" }
  | { kind: "decided"; decision: Decision; by: string; jobState: string | null }
  | { kind: "already"; decision: Decision; by: string };

/**
 * A click on a breaker card (docs/wecom.md#events-handled). Only a team admin's click counts; the card
 * is consumed atomically, so of two clicks (or two admins) exactly one decides the job; the card
 * is then updated with the click's single-use ResponseCode to show who decided what.
 */
export async function handleCardClick(
  deps: Deps,
  p: { teamId: number; inboxId: number; message: TemplateCardEvent },
): Promise<"processed" | "ignored"> {
  const m = p.message;
  const card = await findDecisionCard(deps.db, { teamId: p.teamId, taskId: m.taskId });
  const key = parseDecisionKey(m.eventKey);
  if (!card || !key || key.jobId !== card.jobId) return "ignored";
  const found = await boundTeamById(deps.db, p.teamId);
  if (!found) return "ignored";
  const userId = m.fromUserName;
  const messageKey = `inbox:${p.inboxId}`;
  const { row } = await claimBotMessage(deps.db, {
    teamId: p.teamId,
    messageKey,
    userId,
    command: "decide",
    lang: "zh",
    now: deps.clock.now(),
  });
  const outcome = (row.result ??
    (await saveBotResult(deps.db, {
      id: row.id,
      result: await decide(deps, found.team, card, key.decision, userId, messageKey),
    }))) as ClickOutcome;

  if (outcome.kind === "refused") {
    await replyOnce(deps, found.binding, row, "抱歉，只有团队管理员的选择才有效。/ Sorry, only a team admin's choice counts.");
    return "processed";
  }
  // The card update and the note to the clicker go out once, like a reply.
  if (!(await claimReply(deps.db, { id: row.id, now: deps.clock.now() }))) return "processed";
  try {
    await updateCard(deps, { team: found.team, binding: found.binding, card, outcome, clicker: userId, responseCode: m.responseCode });
    if (outcome.kind === "decided" && outcome.jobState === "running") {
      const t = DECISION_TEXT[outcome.decision];
      await sendText(
        deps,
        found.binding,
        [userId],
        `${t.zh}：同步 #${card.jobId} 继续进行，完成后发起人会收到结果。/ ${t.en}: sync #${card.jobId} goes on; whoever started it gets the summary.`,
      );
    }
  } catch (err) {
    await releaseReply(deps.db, { id: row.id });
    throw err;
  }
  return "processed";
}

async function decide(
  deps: Deps,
  team: TeamRow,
  card: DecisionCardRow,
  decision: Decision,
  userId: string,
  messageKey: string,
): Promise<ClickOutcome> {
  if (!(await isWecomAdmin(deps.db, { teamId: team.id, userId }))) return { kind: "refused" };
  const actor = { kind: "wecom_user", teamId: team.id, userId } as const;
  const by = (await memberByUserId(deps, actor, team.slug, userId))?.name ?? userId;
  const { won, card: now } = await consumeDecisionCard(deps.db, {
    jobId: card.jobId,
    decision,
    by,
    key: messageKey,
    now: deps.clock.now(),
  });
  if (!won) return { kind: "already", decision: now.decision ?? decision, by: now.decidedBy ?? "?" };
  try {
    const job = await decideJob(deps, actor, team.slug, card.jobId, decision);
    return { kind: "decided", decision, by, jobState: job.state };
  } catch (err) {
    // Decided on the web meanwhile, cancelled, or this very click on an earlier run: the card still says who clicked.
    if (!(err instanceof AppError) || (err.code !== "conflict" && err.code !== "not_found")) throw err;
    const job = await findJobById(deps.db, card.jobId);
    return { kind: "decided", decision, by, jobState: job?.state ?? null };
  }
}

/** update_template_card with this click's ResponseCode (single-use, 72 h, docs/wecom.md#messages-and-cards): a lost update is logged, not retried. */
async function updateCard(
  deps: Deps,
  p: {
    team: TeamRow;
    binding: BindingRow;
    card: DecisionCardRow;
    outcome: Exclude<ClickOutcome, { kind: "refused" }>;
    clicker: string;
    responseCode: string;
  },
): Promise<void> {
  const job = await findJobById(deps.db, p.card.jobId);
  if (!job) return;
  const facts = cardFacts(deps, { taskId: p.card.taskId, job, team: p.team });
  const stale =
    p.outcome.kind === "decided" && p.outcome.jobState !== "running"
      ? { zh: "（任务已不在等待确认）", en: "(the job was no longer waiting)" }
      : undefined;
  const body = decidedCardBody(facts, { decision: p.outcome.decision, by: p.outcome.by, ...(stale ? { note: stale } : {}) });
  // The winner's click updates everyone's copy; a late click only the clicker's own.
  const userIds = p.outcome.kind === "decided" ? p.card.recipients : [p.clicker];
  try {
    await teamApi(deps, p.binding).updateTemplateCard({ userIds, responseCode: p.responseCode, templateCard: body });
  } catch (err) {
    deps.logger.warn("decision card not updated", { jobId: p.card.jobId, error: err });
  }
}
