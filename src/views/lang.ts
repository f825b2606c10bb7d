import { createContext, useContext } from "hono/jsx";
import { messageIn } from "../errors";
import type { Bilingual } from "./labels";

export type Lang = "zh" | "en";

export const isLang = (v: unknown): v is Lang => v === "zh" || v === "en";

/** The cookie that remembers a person's choice from the language switch; it outranks Accept-Language. */
export const LANG_COOKIE = "wr_lang";

/**
 * The page language from Accept-Language (RFC 9110, section 12.5.4): the highest-weighted tag that is
 * Chinese or English; English when the browser asks only for other languages (the one a non-Chinese
 * reader is likelier to read), Chinese when it asks for nothing (the product's first language).
 */
export function pickLang(header: string | undefined): Lang {
  const wanted = (header ?? "").slice(0, 500).trim();
  if (wanted === "") return "zh";
  let best: { lang: Lang; q: number } | null = null;
  let any = false;
  for (const part of wanted.split(",")) {
    const [tag = "", ...params] = part.trim().toLowerCase().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0 || tag === "") continue;
    any = true;
    const lang: Lang | null = tag === "zh" || tag.startsWith("zh-") ? "zh" : tag === "en" || tag.startsWith("en-") ? "en" : null;
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? (any ? "en" : "zh");
}

/** The page's language: the remembered choice when it is a valid one, else the browser's. */
export function pageLang(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  return isLang(cookie) ? cookie : pickLang(acceptLanguage);
}

export function say(lang: Lang, text: Bilingual): string {
  return text[lang];
}

/**
 * What a page being rendered knows about its language: the language, and where the switch to the
 * other one goes (absent when the page has nowhere to come back to).
 */
export interface PageLang {
  lang: Lang;
  /** The zone times are shown in (config TIME_ZONE). */
  timeZone?: string | undefined;
  switchHref?: ((to: Lang) => string) | undefined;
}

export const LangContext = createContext<PageLang>({ lang: "zh" });

/** The language of the page being rendered; only while a component renders. */
export const useLang = (): Lang => useContext(LangContext).lang;

export const usePageLang = (): PageLang => useContext(LangContext);

/** The zone the page being rendered shows times in. */
export const useTimeZone = (): string => useContext(LangContext).timeZone ?? "Asia/Shanghai";

/** A label in the language of the page being rendered. */
export const tr = (text: Bilingual): string => text[useLang()];

/** An AppError message ("中文 / English") in the language of the page being rendered. */
export const trMessage = (message: string): string => messageIn(message, useLang());
