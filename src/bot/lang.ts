import type { BotLang } from "../db/schema/bot";
import { messageIn } from "../errors";

export type Lang = BotLang;

/** Text in both languages; the bot picks one per reply (docs/architecture.md#admin-bot: replies follow the command). */
export interface Text {
  zh: string;
  en: string;
}

/** Chinese characters (CJK unified ideographs): a word with one is a Chinese word. */
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

export function langOfWord(word: string): Lang {
  return CJK.test(word) ? "zh" : "en";
}

/** The half of a service message "中文 / English" (errors.ts) in the reply's language. */
export const pickMessage = (message: string, lang: Lang): string => messageIn(message, lang);

export const both = (t: Text): string => `${t.zh} / ${t.en}`;

/** WeCom cuts text messages at 2048 bytes (docs/wecom.md#messages-and-cards, 45002): clip on a character boundary. */
export function clipBytes(s: string, max = 2000): string {
  if (Buffer.byteLength(s) <= max) return s;
  let out = "";
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > max - 3) break;
    out += ch;
  }
  return `${out}…`;
}
