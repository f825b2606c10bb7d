import type { BotCommand } from "./command";
import { authorizeCommand } from "./commands/authorize";
import { helpCommand } from "./commands/help";
import { inviteCommand } from "./commands/invite";
import { matchCommand } from "./commands/match";
import { policyCommand } from "./commands/policy";
import { statusCommand } from "./commands/status";
import { importCommand, syncCommand } from "./commands/sync";
import { langOfWord } from "./lang";
import type { CommandIndex } from "./parse";

/**
 * Checks a command table once, at start-up: every name and alias is one word, none appears twice
 * (ignoring case), and no Chinese word begins another (a Chinese word may run into its argument,
 * parse.ts). Answers the index of every word.
 */
export function validateCommandTable(commands: readonly BotCommand[]): CommandIndex {
  const index = new Map<string, BotCommand>();
  const problems: string[] = [];
  for (const c of commands) {
    if (!c.aliases.some((a) => langOfWord(a) === "zh")) problems.push(`${c.name}: no Chinese word`);
    for (const word of [c.name, ...c.aliases]) {
      const key = word.normalize("NFKC").toLowerCase();
      if (key === "" || /\s/u.test(key) || key !== word.toLowerCase()) problems.push(`${c.name}: "${word}" is not one plain word`);
      const taken = index.get(key);
      if (taken) problems.push(`"${word}" names both ${taken.name} and ${c.name}`);
      else index.set(key, c);
    }
  }
  const chinese = [...index.keys()].filter((w) => langOfWord(w) === "zh");
  for (const a of chinese) for (const b of chinese) if (a !== b && b.startsWith(a)) problems.push(`"${a}" begins "${b}"`);
  if (problems.length > 0) throw new Error(`bot command table: ${problems.join("; ")}`);
  return index;
}

/** The admin bot's commands (docs/architecture.md#admin-bot), in the order help lists them. */
export const COMMANDS: readonly BotCommand[] = [
  helpCommand,
  importCommand,
  syncCommand,
  statusCommand,
  authorizeCommand,
  inviteCommand,
  matchCommand,
  policyCommand,
];

export const COMMAND_INDEX: CommandIndex = validateCommandTable(COMMANDS);
