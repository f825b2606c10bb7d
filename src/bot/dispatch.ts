import { claimBotMessage, claimReply, releaseReply, saveBotResult, type BotMessageRow } from "../db/queries/bot-messages";
import type { Deps } from "../deps";
import { AppError } from "../errors";
import { isWecomAdmin } from "../services/access/wecom-admin";
import { boundTeamById, type BindingRow } from "../services/directory/team-lookup";
import { WecomApiError } from "../wecom/api-error";
import type { BotCommand, BotContext, Outcome } from "./command";
import { COMMAND_INDEX, COMMANDS } from "./commands";
import { refusal, shortHelp, usageReply } from "./help";
import { pickMessage, type Lang } from "./lang";
import { parseLine } from "./parse";
import { sendText } from "./reply";

export interface ChatMessage {
  teamId: number;
  /** `msg:<MsgId>`: the same message delivered or handled twice is one row (bot_messages). */
  messageKey: string;
  userId: string;
  /** "" for messages that are not text (images, voice…): they get the short help. */
  content: string;
}

/** What bot_messages.result holds for a command: why nothing ran, or what ran and how it went. */
type Stored =
  | { status: "refused" }
  | { status: "usage" }
  | { status: "failed"; error: { code: string; message: string } }
  | { status: "done"; outcome: Outcome };

/**
 * One chat message → at most one command effect and one reply (docs/architecture.md#admin-bot). The command is parsed
 * once; the sender's admin standing is checked (services/access/wecom-admin.ts) before an
 * adminOnly command runs; the outcome is stored before the reply is rendered from it, so a second
 * run of the same message repeats neither.
 */
export async function handleChat(deps: Deps, msg: ChatMessage): Promise<"processed" | "ignored"> {
  const found = await boundTeamById(deps.db, msg.teamId);
  if (!found) return "ignored";
  const line = parseLine(msg.content, COMMAND_INDEX);
  const { row, fresh } = await claimBotMessage(deps.db, {
    teamId: msg.teamId,
    messageKey: msg.messageKey,
    userId: msg.userId,
    command: line.kind === "command" ? line.command.name : line.kind,
    lang: line.lang,
    now: deps.clock.now(),
  });
  const lang = row.lang;
  if (line.kind === "unknown") {
    await replyOnce(deps, found.binding, row, shortHelp(COMMANDS, lang, line.word));
    return "processed";
  }
  if (line.kind === "empty") {
    // Nothing says which language (an image, a sticker): Chinese first, then English.
    await replyOnce(deps, found.binding, row, `${shortHelp(COMMANDS, "zh")}\n${shortHelp(COMMANDS, "en")}`);
    return "processed";
  }
  const command = line.command;
  const ctx: BotContext = {
    deps,
    team: found.team,
    binding: found.binding,
    actor: { kind: "wecom_user", teamId: msg.teamId, userId: msg.userId },
    lang,
    firstSeenAt: row.createdAt,
    fresh,
    commands: COMMANDS,
  };
  const parsed = command.parse(line.args);
  let stored = row.result as Stored | null;
  if (stored === null) {
    const allowed = !command.adminOnly || (await isWecomAdmin(deps.db, { teamId: msg.teamId, userId: msg.userId }));
    const first: Stored = !allowed ? { status: "refused" } : parsed.ok ? await runCommand(command, ctx, parsed.args) : { status: "usage" };
    stored = (await saveBotResult(deps.db, { id: row.id, result: first })) as Stored;
  }
  await replyOnce(deps, found.binding, row, render(command, ctx, stored, parsed.ok ? undefined : parsed.problem));
  if (stored.status === "done") await command.after?.(ctx, stored.outcome);
  return "processed";
}

/**
 * Runs the verb. A refusal the admin should read (AppError, a WeCom errcode such as 60020) is
 * stored like an outcome; anything else (database, WeCom unavailable) throws, so the inbox retries.
 */
async function runCommand(command: BotCommand, ctx: BotContext, args: unknown): Promise<Stored> {
  try {
    return { status: "done", outcome: await command.run(ctx, args) };
  } catch (err) {
    const error = failureOf(err);
    if (!error) throw err;
    ctx.deps.logger.info("bot command refused", { teamId: ctx.team.id, command: command.name, code: error.code });
    return { status: "failed", error };
  }
}

function failureOf(err: unknown): { code: string; message: string } | null {
  if (err instanceof AppError) return { code: err.code, message: err.message };
  if (err instanceof WecomApiError) return { code: "wecom_rejected", message: `${err.hint.zh} / ${err.hint.en}` };
  return null;
}

function render(command: BotCommand, ctx: BotContext, stored: Stored, problem?: { zh: string; en: string }): string {
  switch (stored.status) {
    case "refused":
      return refusal(command, ctx.lang);
    case "usage":
      return usageReply(command, ctx.lang, problem);
    case "failed":
      return errorText(stored.error.message, ctx.lang);
    case "done":
      return command.render(stored.outcome, ctx);
  }
}

function errorText(message: string, lang: Lang): string {
  return lang === "zh" ? `未能完成：${pickMessage(message, "zh")}` : `Could not do that: ${pickMessage(message, "en")}`;
}

/** Claims the reply before sending (at most once); gives the claim back if WeCom did not take it. */
export async function replyOnce(deps: Deps, binding: BindingRow, row: BotMessageRow, text: string): Promise<void> {
  if (!(await claimReply(deps.db, { id: row.id, now: deps.clock.now() }))) return;
  try {
    await sendText(deps, binding, [row.userId], text);
  } catch (err) {
    await releaseReply(deps.db, { id: row.id });
    throw err;
  }
}
