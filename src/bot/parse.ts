import type { BotCommand } from "./command";
import { langOfWord, type Lang } from "./lang";

/** Punctuation a chat message may end with (。！!？?，,), stripped before parsing. */
const TRAILING = /[。！!？?，,]+$/u;

/**
 * One line of chat as words: NFKC folds full-width letters and digits (ｓｙｎｃ → sync), any
 * whitespace run — the ideographic space U+3000 included — separates words, and trailing
 * punctuation and a leading "/" are dropped.
 */
export function words(content: string): string[] {
  const text = content
    .normalize("NFKC")
    .replace(/[\s\u3000]+/gu, " ")
    .trim()
    .replace(TRAILING, "")
    .trim()
    .replace(/^\//, "");
  return text === "" ? [] : text.split(" ");
}

export type ParsedLine =
  | { kind: "empty"; lang: Lang }
  | { kind: "unknown"; lang: Lang; word: string }
  | { kind: "command"; command: BotCommand; word: string; lang: Lang; args: string[] };

/** Every name and alias (lower-cased) → its command. */
export type CommandIndex = ReadonlyMap<string, BotCommand>;

/**
 * Finds the command a message names. The first word is looked up ignoring case; a Chinese
 * command word may also run straight into its argument ("策略锁定", "授权zhangsan"). The reply
 * language is the language of the command word.
 */
export function parseLine(content: string, index: CommandIndex): ParsedLine {
  const list = words(content);
  const [first, ...rest] = list;
  if (first === undefined) return { kind: "empty", lang: langOfWord(content) };
  const exact = index.get(first.toLowerCase());
  if (exact) return { kind: "command", command: exact, word: first, lang: langOfWord(first), args: rest };
  for (const [word, command] of index) {
    if (langOfWord(word) === "zh" && first.startsWith(word)) {
      return { kind: "command", command, word, lang: "zh", args: [first.slice(word.length), ...rest] };
    }
  }
  return { kind: "unknown", lang: langOfWord(content), word: first };
}
