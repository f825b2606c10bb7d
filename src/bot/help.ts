import type { BotCommand } from "./command";
import { langOfWord, type Lang, type Text } from "./lang";

/** The word a command is shown by: its first Chinese alias in Chinese, its name in English. */
export function displayWord(command: BotCommand, lang: Lang): string {
  if (lang === "en") return command.name;
  return command.aliases.find((a) => langOfWord(a) === "zh") ?? command.name;
}

/** "授权 <userid…|部门 名称|全部>" */
export function usageLine(command: BotCommand, lang: Lang): string {
  const args = command.usage[lang];
  return args === "" ? displayWord(command, lang) : `${displayWord(command, lang)} ${args}`;
}

/** Help generated from the table: one line per command. */
export function fullHelp(commands: readonly BotCommand[], lang: Lang): string {
  const lines = commands.map((c) => `${usageLine(c, lang)}${c.adminOnly ? " *" : ""} — ${c.summary[lang]}`);
  if (lang === "zh") return ["可用命令：", ...lines, "* 仅限团队管理员。Send “help” for English."].join("\n");
  return ["Commands:", ...lines, "* team admins only. 发送「帮助」查看中文说明。"].join("\n");
}

/** The answer to text that names no command. */
export function shortHelp(commands: readonly BotCommand[], lang: Lang, word?: string): string {
  const list = commands.map((c) => displayWord(c, lang)).join(lang === "zh" ? "、" : ", ");
  if (lang === "zh") return `${word ? `没有「${word}」这个命令。` : ""}可用命令：${list}。发送「帮助」查看用法。`;
  return `${word ? `There is no command “${word}”. ` : ""}Commands: ${list}. Send “help” for how to use them.`;
}

export function refusal(command: BotCommand, lang: Lang): string {
  const word = displayWord(command, lang);
  if (lang === "zh") return `抱歉，只有团队管理员可以使用「${word}」。如需权限，请联系团队管理员。`;
  return `Sorry, only team admins can use “${word}”. Please ask a team admin if you need it.`;
}

export function usageReply(command: BotCommand, lang: Lang, problem?: Text): string {
  const head = problem ? `${problem[lang]}\n` : "";
  return lang === "zh" ? `${head}用法：${usageLine(command, lang)}` : `${head}Usage: ${usageLine(command, lang)}`;
}
