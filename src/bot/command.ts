import type { Deps } from "../deps";
import type { Actor } from "../services/actor";
import type { BindingRow, TeamRow } from "../services/directory/team-lookup";
import type { Lang, Text } from "./lang";

export type WecomUserActor = Extract<Actor, { kind: "wecom_user" }>;

/** What a command runs with: the team, the verified sender, the reply language. */
export interface BotContext {
  deps: Deps;
  team: TeamRow;
  binding: BindingRow;
  actor: WecomUserActor;
  lang: Lang;
  /** When this message was first seen, and whether this is that first time (false: a re-run). */
  firstSeenAt: Date;
  fresh: boolean;
  /** The command table, for help. */
  commands: readonly BotCommand[];
}

/** Arguments parsed once, before anything runs; a problem answers with the usage. */
export type Parsed<A> = { ok: true; args: A } | { ok: false; problem?: Text };

/** A command's stored outcome (bot_messages.result): plain JSON, rendered per language. */
export type Outcome = Record<string, unknown>;

export interface TypedCommand<A, R extends Outcome> {
  /** The English command word; `aliases` hold the Chinese ones (and any others). */
  name: string;
  aliases: string[];
  /** Arguments as shown in help, e.g. `<userid…>`; "" when there are none. */
  usage: Text;
  summary: Text;
  adminOnly: boolean;
  parse(args: string[]): Parsed<A>;
  run(ctx: BotContext, args: A): Promise<R>;
  render(result: R, ctx: BotContext): string;
  /** Work after the reply went out (e.g. catching up on a job that finished meanwhile). */
  after?(ctx: BotContext, result: R): Promise<void>;
}

/** The table's element type: commands with their argument and outcome types erased. */
export type BotCommand = TypedCommand<unknown, Outcome>;

/**
 * Erases a command's types for the table (method parameters are bivariant, so this type-checks);
 * the dispatcher only ever hands `run` what `parse` made and `render` what `run` returned.
 */
export function defineCommand<A, R extends Outcome>(c: TypedCommand<A, R>): BotCommand {
  return c;
}

export const noArgs = (args: string[]): Parsed<null> => (args.length === 0 ? { ok: true, args: null } : { ok: false });
