import type { Child } from "hono/jsx";
import type { Bilingual } from "./labels";
import { usePageLang, useLang } from "./lang";

/** Phone-first, high-contrast (all text ≥ 7:1 on its background), focus always visible, no external assets. */
const CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f3f4f6;color:#111827;font:16px/1.55 system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
main{max-width:40rem;margin:0 auto;padding:1rem}
.card{background:#fff;border:1px solid #d1d5db;border-radius:.5rem;padding:1rem;margin:0 0 1rem}
h1{font-size:1.35rem;line-height:1.3;margin:0 0 .25rem}
h2{font-size:1.1rem;margin:0 0 .5rem}
p{margin:.4rem 0}
.muted{color:#374151}
.en{color:#374151}
code{font:.95em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f3f4f6;padding:0 .2em;border-radius:.2em;overflow-wrap:anywhere}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:.3rem;font-weight:600;border:1px solid currentColor}
.badge .en{color:inherit}
.state-queued,.state-running{background:#dbeafe;color:#1e3a8a}
.state-succeeded{background:#dcfce7;color:#14532d}
.state-failed{background:#fee2e2;color:#7f1d1d}
.state-needs_confirmation{background:#fef3c7;color:#713f12}
.state-cancelled{background:#e5e7eb;color:#1f2937}
progress{display:block;width:100%;height:1.25rem;margin:.5rem 0;accent-color:#1d4ed8}
table{width:100%;border-collapse:collapse}
th,td{padding:.35rem .25rem;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.alert{border-color:#b91c1c;border-left-width:.35rem}
.warn{border-color:#b45309;border-left-width:.35rem}
ul{padding-left:1.2rem;margin:.4rem 0}
li{margin:.2rem 0}
.lang-switch{margin:0 0 .5rem;text-align:right;font-size:.95rem}
.lang-switch a{color:#1e3a8a}
a:focus-visible{outline:3px solid #1e40af;outline-offset:2px}
`;

export interface LayoutProps {
  title: string;
  /** CSP nonce of this response, for the one style and script block. */
  nonce: string;
  head?: Child;
  children?: Child;
  /** The page's language; by default the one the page is rendered in (views/lang.ts). */
  lang?: "zh" | "en";
}

/** The link to the same page in the other language; each language's name is written in that language. */
function LangSwitch() {
  const { lang, switchHref } = usePageLang();
  if (!switchHref) return null;
  const to = lang === "zh" ? "en" : "zh";
  return (
    <p class="lang-switch">
      <a href={switchHref(to)} hreflang={to === "en" ? "en" : "zh-CN"} lang={to === "en" ? "en" : "zh-CN"} id="lang-switch">
        {to === "en" ? "English" : "中文"}
      </a>
    </p>
  );
}

export function Layout(props: LayoutProps) {
  const lang = props.lang ?? useLang();
  return (
    <html lang={lang === "en" ? "en" : "zh-CN"}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{props.title}</title>
        <style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: CSS }} />
        {props.head}
      </head>
      <body>
        <main>
          <LangSwitch />
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** Marked-up text in the language of the page being rendered (both are built, one is rendered). */
export function InLang(props: { zh: Child; en: Child }) {
  return <>{useLang() === "en" ? props.en : props.zh}</>;
}

/** A label in the language of the page being rendered. */
export function Bi(props: Bilingual) {
  return <>{props[useLang()]}</>;
}
