// The emulator's chat page (`/_emulator/chat`): pick a WeCom member, write to the app, see its
// replies and cards, open card links signed in as that member, click card buttons; and a small
// org editor whose changes push contact callbacks. Plain forms; a short script keeps the feed live.
import type { Context, Hono } from "hono";
import { pushCallback } from "../callbacks/push";
import { changeContactXml } from "../callbacks/payloads";
import { clickCard, sendChat } from "../control/actions";
import type { EmuEnv } from "../hono-env";
import { esc } from "../oauth-pages";
import { createUser, deleteUser, MutationError, updateUser, type ContactEvent } from "../org/mutations";
import type { EmulatorState } from "../state";
import { CHAT_CSS, renderFeed } from "./render";

type Form = Record<string, string>;

async function formOf(c: Context<EmuEnv>): Promise<Form> {
  const out: Form = {};
  try {
    for (const [k, v] of Object.entries(await c.req.parseBody())) if (typeof v === "string") out[k] = v;
  } catch {
    // An unreadable body is an empty form: every action then answers with what is missing.
  }
  return out;
}

const chatUrl = (as: string, extra = "") => `/_emulator/chat?as=${encodeURIComponent(as)}${extra}`;

function layout(title: string, body: string): string {
  return `<!doctype html><html lang="zh"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${CHAT_CSS}</style></head><body><header><strong>企业微信模拟器 WeCom emulator</strong> · <a href="/_emulator/chat">聊天 Chat</a></header>${body}</body></html>`;
}

function userList(state: EmulatorState, as: string, q: string): string {
  const needle = q.trim().toLowerCase();
  const items: string[] = [];
  for (const u of state.org.users.values()) {
    if (needle && !u.userid.toLowerCase().includes(needle) && !u.name.toLowerCase().includes(needle)) continue;
    const current = u.userid.toLowerCase() === as.toLowerCase();
    items.push(
      `<li><a href="${esc(chatUrl(u.userid))}"${current ? ' aria-current="true"' : ""}>${esc(u.name)} <code>${esc(u.userid)}</code></a></li>`,
    );
    if (items.length >= 100) break;
  }
  return `<form method="get" action="/_emulator/chat"><input type="hidden" name="as" value="${esc(as)}"><label for="q">成员 Members</label><input id="q" type="search" name="q" value="${esc(q)}" placeholder="userid / 姓名 name"></form><ul class="users">${items.join("")}</ul>`;
}

function orgEditor(state: EmulatorState, as: string): string {
  const departments = [...state.org.departments.values()].map((d) => `<option value="${d.id}">${esc(d.name)} (${d.id})</option>`).join("");
  const hidden = `<input type="hidden" name="as" value="${esc(as)}">`;
  return `<div class="box"><h2>通讯录 Address book</h2>
<form method="post" action="/_emulator/chat/org/add">${hidden}<label for="nu">新成员 userid New member's userid</label><input id="nu" type="text" name="userid" required>
<label for="nn">姓名 Name</label><input id="nn" type="text" name="name" required><label for="nd">部门 Department</label><select id="nd" name="department">${departments}</select><p><button>添加 Add</button></p></form>
${
  as
    ? `<form method="post" action="/_emulator/chat/org/rename">${hidden}<label for="rn">把 ${esc(as)} 改名为 Rename ${esc(as)} to</label><input id="rn" type="text" name="name" required><p><button>改名 Rename</button></p></form>
<form method="post" action="/_emulator/chat/org/delete">${hidden}<p><button class="ghost">从通讯录删除 ${esc(as)} Delete ${esc(as)}</button></p></form>`
    : ""
}</div>`;
}

/** Polls the feed fragment and swaps it in when it changed; without JavaScript, reload the page. */
const LIVE_SCRIPT = `const f=document.getElementById("feed");let last=f.innerHTML;setInterval(async()=>{try{const r=await fetch(f.dataset.src,{cache:"no-store"});if(!r.ok)return;const h=await r.text();if(h!==last){last=h;f.innerHTML=h;f.lastElementChild?.scrollIntoView({block:"end"});}}catch{}},1500);`;

function chatPage(state: EmulatorState, as: string, q: string, error?: string): string {
  const user = as ? state.org.getUser(as) : undefined;
  const main = user
    ? `<div class="box"><h2>${esc(user.name)} <code>${esc(user.userid)}</code> ↔ 应用 App</h2>
${error ? `<p class="err" role="alert">${esc(error)}</p>` : ""}
<div id="feed" data-src="/_emulator/chat/feed?as=${encodeURIComponent(user.userid)}" aria-live="polite">${renderFeed(state, user.userid)}</div>
<form class="send" method="post" action="/_emulator/chat/send"><input type="hidden" name="as" value="${esc(user.userid)}"><input type="text" name="content" aria-label="消息 Message" placeholder="导入 · 同步 · 帮助 · help" autocomplete="off" autofocus required><button>发送 Send</button></form>
<noscript><p><a href="${esc(chatUrl(user.userid))}">刷新 Refresh</a></p></noscript></div>`
    : `<div class="box"><p>${error ? `<span class="err" role="alert">${esc(error)}</span><br>` : ""}在左侧选择一个企业微信成员，以其身份与应用聊天。Pick a WeCom member on the left to chat with the app as them.</p></div>`;
  return layout(
    "企业微信模拟器 · 聊天 WeCom emulator chat",
    `<div class="wrap"><aside><div class="box">${userList(state, user?.userid ?? "", q)}</div>${orgEditor(state, user?.userid ?? "")}</aside><section class="chat">${main}</section></div>${user ? `<script>${LIVE_SCRIPT}</script>` : ""}`,
  );
}

export function chatRoutes(app: Hono<EmuEnv>, state: EmulatorState): void {
  const pushContact = async (event: ContactEvent | undefined) => {
    if (event)
      await pushCallback(
        state,
        event.changeType,
        changeContactXml(state.corpId, Math.floor(state.nowMs() / 1000), event.changeType, event.fields),
      );
  };
  /** Runs a form's action; a refused one shows the chat page again with the reason (never a stack). */
  const act = async (c: Context<EmuEnv>, as: string, run: () => Promise<string | void>): Promise<Response> => {
    try {
      const next = await run();
      return c.redirect(next ?? chatUrl(as), 303);
    } catch (err) {
      if (err instanceof MutationError) return c.html(chatPage(state, as, "", err.message), err.status);
      throw err;
    }
  };

  app.get("/_emulator/chat", (c) => c.html(chatPage(state, c.req.query("as") ?? "", c.req.query("q") ?? "")));
  app.get("/_emulator/chat/feed", (c) => c.html(renderFeed(state, c.req.query("as") ?? "")));

  app.post("/_emulator/chat/send", async (c) => {
    const f = await formOf(c);
    return act(c, f.as ?? "", async () => {
      await sendChat(state, { from: f.as, content: f.content?.trim() });
    });
  });
  app.post("/_emulator/chat/click", async (c) => {
    const f = await formOf(c);
    return act(c, f.as ?? "", async () => {
      await clickCard(state, { userid: f.as, taskId: f.taskId, eventKey: f.eventKey });
    });
  });

  // A link in a message, opened inside WeCom by this member: OAuth pages now sign them in.
  app.get("/_emulator/chat/open", (c) => {
    const as = c.req.query("as") ?? "";
    const url = c.req.query("url") ?? "";
    const user = state.org.getUser(as);
    if (!user || !/^https?:\/\//i.test(url)) return c.html(chatPage(state, as, "", "链接或成员无效 Invalid link or member"), 400);
    state.signedIn = { userid: user.userid };
    return c.redirect(url, 302);
  });

  app.post("/_emulator/chat/org/add", async (c) => {
    const f = await formOf(c);
    return act(c, f.as ?? "", async () => {
      const r = createUser(state, { userid: f.userid?.trim(), name: f.name?.trim(), department: [Number(f.department)] });
      await pushContact(r.event);
      return chatUrl(r.user.userid);
    });
  });
  app.post("/_emulator/chat/org/rename", async (c) => {
    const f = await formOf(c);
    return act(c, f.as ?? "", async () => {
      await pushContact(updateUser(state, f.as ?? "", { name: f.name?.trim() }).event);
    });
  });
  app.post("/_emulator/chat/org/delete", async (c) => {
    const f = await formOf(c);
    return act(c, f.as ?? "", async () => {
      await pushContact(deleteUser(state, f.as ?? "").event);
      return "/_emulator/chat";
    });
  });
}
