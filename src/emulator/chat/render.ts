// HTML for the emulator's chat page: what a member sees of their conversation with the app —
// what they typed, and the texts, markdown, text cards and template cards the service sent.
import { esc } from "../oauth-pages";
import type { ChatLine, EmulatorState, InboxMessage } from "../state";

type Json = Record<string, unknown>;
const rec = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string => (typeof v === "string" ? v : "");

export const CHAT_CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;background:#eef0f3;color:#111827}
header{background:#1e3a8a;color:#fff;padding:.6rem 1rem}header a{color:#fff}
.wrap{display:flex;gap:1rem;max-width:72rem;margin:0 auto;padding:1rem;flex-wrap:wrap}
aside{flex:1 1 16rem;max-width:22rem}section.chat{flex:3 1 28rem}
.box{background:#fff;border:1px solid #d1d5db;border-radius:.5rem;padding:.75rem;margin-bottom:1rem}
ul.users{list-style:none;margin:0;padding:0;max-height:60vh;overflow:auto}ul.users li a{display:block;padding:.25rem .4rem;color:#1e3a8a;text-decoration:none}
ul.users li a[aria-current=true]{background:#dbeafe;font-weight:600}
#feed{display:flex;flex-direction:column;gap:.5rem;min-height:12rem}
.msg{max-width:85%;padding:.5rem .7rem;border-radius:.5rem;background:#fff;border:1px solid #d1d5db;white-space:pre-wrap;overflow-wrap:anywhere}
.msg.me{align-self:flex-end;background:#dcfce7;border-color:#86efac}
.msg .meta{display:block;font-size:.75rem;color:#374151;margin-bottom:.2rem}
.card h3{margin:.1rem 0 .3rem;font-size:1rem}.card dl{margin:.3rem 0}.card dt{float:left;clear:left;color:#374151;margin-right:.4rem}
.card .btns{display:flex;gap:.5rem;flex-wrap:wrap;margin-top:.5rem}.card form{margin:0}
button,input[type=submit]{font:inherit;padding:.45rem .9rem;border-radius:.4rem;border:0;background:#1e40af;color:#fff;cursor:pointer}
button.ghost{background:#fff;color:#1e40af;border:1px solid #1e40af}
input[type=text],input[type=search],select{font:inherit;padding:.45rem;border:1px solid #4b5563;border-radius:.4rem;width:100%}
form.send{display:flex;gap:.5rem;margin-top:.75rem}form.send input{flex:1}
label{display:block;font-weight:600;margin:.4rem 0 .2rem}
.update{align-self:center;font-size:.85rem;color:#374151}
.err{color:#7f1d1d;font-weight:600}
`;

/** A link from a message: opened "inside WeCom" as this member, so OAuth signs them in. */
function openLink(as: string, url: string, text: string): string {
  if (!/^https?:\/\//i.test(url)) return esc(text);
  return `<a href="/_emulator/chat/open?as=${encodeURIComponent(as)}&amp;url=${encodeURIComponent(url)}">${esc(text)}</a>`;
}

/** WeCom shows a URL inside a text message as a link; trailing sentence punctuation is not part of it. */
const URL_IN_TEXT = /https?:\/\/[^\s<>"'\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+/gi;

function linkified(as: string, text: string): string {
  let out = "";
  let from = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const url = m[0].replace(/[.,;:!?)\]]+$/, "");
    out += esc(text.slice(from, m.index)) + openLink(as, url, url);
    from = m.index + url.length;
  }
  return out + esc(text.slice(from));
}

function cardButtons(as: string, taskId: string, buttons: unknown): string {
  if (!Array.isArray(buttons) || buttons.length === 0 || taskId === "") return "";
  const forms = buttons.map((b) => {
    const btn = rec(b);
    return `<form method="post" action="/_emulator/chat/click"><input type="hidden" name="as" value="${esc(as)}"><input type="hidden" name="taskId" value="${esc(taskId)}"><input type="hidden" name="eventKey" value="${esc(str(btn.key))}"><button${btn.style === 2 ? ' class="ghost"' : ""}>${esc(str(btn.text))}</button></form>`;
  });
  return `<div class="btns">${forms.join("")}</div>`;
}

function templateCard(as: string, card: Json): string {
  const main = rec(card.main_title);
  const rows = Array.isArray(card.horizontal_content_list)
    ? card.horizontal_content_list
        .map(
          (r) =>
            `<dt>${esc(str(rec(r).keyname))}</dt><dd>${rec(r).url ? openLink(as, str(rec(r).url), str(rec(r).value)) : esc(str(rec(r).value))}</dd>`,
        )
        .join("")
    : "";
  const action = rec(card.card_action);
  const jump = Array.isArray(card.jump_list)
    ? card.jump_list.map((j) => `<p>${openLink(as, str(rec(j).url), str(rec(j).title))}</p>`).join("")
    : "";
  return `<div class="card"><h3>${esc(str(main.title))}</h3>${main.desc ? `<p>${esc(str(main.desc))}</p>` : ""}${card.sub_title_text ? `<p>${esc(str(card.sub_title_text))}</p>` : ""}${rows ? `<dl>${rows}</dl>` : ""}${jump}${action.url ? `<p>${openLink(as, str(action.url), "打开 Open ›")}</p>` : ""}${cardButtons(as, str(card.task_id), card.button_list)}</div>`;
}

/** One message the service sent, as WeCom would show it. */
function sent(as: string, m: InboxMessage): string {
  const body = rec(m.body);
  if (m.api === "message/update_template_card") {
    const replace = str(rec(body.button).replace_name);
    const card = rec(body.template_card);
    return `<div class="update">卡片已更新 Card updated${replace ? `: <strong>${esc(replace)}</strong>` : ""}${Object.keys(card).length > 0 ? templateCard(as, card) : ""}</div>`;
  }
  let inner: string;
  switch (m.msgtype) {
    case "text":
      inner = linkified(as, str(rec(body.text).content));
      break;
    case "markdown":
      inner = linkified(as, str(rec(body.markdown).content));
      break;
    case "textcard": {
      const tc = rec(body.textcard);
      const desc = str(tc.description)
        .replace(/<br\s*\/?>/gi, "\n")
        .replace(/<[^>]*>/g, "");
      inner = `<div class="card"><h3>${esc(str(tc.title))}</h3><p>${esc(desc)}</p><p>${openLink(as, str(tc.url), str(tc.btntxt) || "详情")}</p></div>`;
      break;
    }
    case "template_card":
      inner = templateCard(as, rec(body.template_card));
      break;
    case "news":
      inner = (Array.isArray(rec(body.news).articles) ? (rec(body.news).articles as unknown[]) : [])
        .map((a) => `<p>${openLink(as, str(rec(a).url), str(rec(a).title))}</p>`)
        .join("");
      break;
    default:
      inner = `[${esc(m.msgtype)}]`;
  }
  return `<div class="msg"><span class="meta">应用 App · ${esc(m.at.slice(11, 19))}</span>${inner}</div>`;
}

function mine(line: ChatLine): string {
  return `<div class="msg me"><span class="meta">我 Me · ${esc(line.at.slice(11, 19))}</span>${esc(line.content)}</div>`;
}

/** The conversation of `as` with the app, oldest first (the last 200 items). */
export function renderFeed(state: EmulatorState, as: string): string {
  const key = as.toLowerCase();
  const items: { at: string; seq: number; html: string }[] = [];
  state.chatLog.forEach((l, i) => {
    if (l.from.toLowerCase() === key) items.push({ at: l.at, seq: i, html: mine(l) });
  });
  state.messages.forEach((m, i) => {
    if (m.recipients.some((r) => r.toLowerCase() === key)) items.push({ at: m.at, seq: 1_000_000 + i, html: sent(as, m) });
  });
  items.sort((a, b) => (a.at === b.at ? a.seq - b.seq : a.at < b.at ? -1 : 1));
  const shown = items.slice(-200);
  return shown.length === 0
    ? `<p class="update">还没有消息。试试发送“帮助”。 No messages yet — try sending "help".</p>`
    : shown.map((i) => i.html).join("");
}
