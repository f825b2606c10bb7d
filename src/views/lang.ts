import type { Bilingual } from "./labels";

export type Lang = "zh" | "en";

/**
 * The page language from Accept-Language (RFC 9110, section 12.5.4): the highest-weighted tag that is
 * Chinese or English; Chinese when neither is asked for (the product's first language).
 */
export function pickLang(header: string | undefined): Lang {
  let best: { lang: Lang; q: number } | null = null;
  for (const part of (header ?? "").slice(0, 500).split(",")) {
    const [tag = "", ...params] = part.trim().toLowerCase().split(";");
    const lang: Lang | null = tag === "zh" || tag.startsWith("zh-") ? "zh" : tag === "en" || tag.startsWith("en-") ? "en" : null;
    if (!lang) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { lang, q };
  }
  return best?.lang ?? "zh";
}

export function say(lang: Lang, text: Bilingual): string {
  return text[lang];
}
