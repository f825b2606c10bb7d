import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  createEmulator,
  DEFAULT_AGENT_ID,
  DEFAULT_APP_SECRET,
  DEFAULT_CORP_ID,
  restoreHistory,
  snapshotOrg,
  takeSnapshot,
  type Emulator,
  type EmulatorSnapshot,
} from "../emulator";
import { startNode } from "./node";

/**
 * `npm run demo`: the local WeCom emulator and the service (embedded PGlite), a demo team bound to
 * the emulator, and a first taste of WeCom pushing to it: a chat message and a new member, each
 * arriving as a signed, encrypted callback. Demo secrets are for local use only.
 *
 * The emulator's org and chat are kept in DATA_DIR/emulator.json beside the service's database,
 * so a restart finds the same company: a colleague added last run is still in WeCom (an emulator
 * that forgot them would make the import hold them as gone), and the chat keeps its history.
 */
const DEMO = {
  APP_SECRET: "demo-only-app-secret-do-not-use-in-production",
  ADMIN_TOKEN: "demo-admin-token",
  token: "DemoToken123",
  encodingAesKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
  ownerPassword: "demo-owner-password",
};

/** The emulator of the last run when DATA_DIR holds one, else a new company. */
function openEmulator(file: string): { emulator: Emulator; resumed: boolean } {
  if (!existsSync(file))
    return { emulator: createEmulator({ org: { generate: { departments: 12, users: 80, seed: 2026 } } }), resumed: false };
  const snapshot = JSON.parse(readFileSync(file, "utf8")) as EmulatorSnapshot;
  const emulator = createEmulator({ org: snapshotOrg(snapshot), corpId: snapshot.corpId });
  restoreHistory(emulator.state, snapshot);
  return { emulator, resumed: true };
}

/** Written whole, then renamed: a crash mid-write leaves the previous file. */
function saveEmulator(file: string, emulator: Emulator): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(takeSnapshot(emulator.state)));
  renameSync(`${file}.tmp`, file);
}

async function main(): Promise<void> {
  const emulatorPort = Number(process.env.EMULATOR_PORT ?? 3100);
  const dataDir = process.env.DATA_DIR ?? "./data/demo";
  const emulatorFile = join(dataDir, "emulator.json");
  // A database without the emulator that filled it (a demo from before the snapshot): its members
  // would all look gone from a new company. Start clean on purpose, keeping the old one aside.
  const setAside = existsSync(join(dataDir, "PG_VERSION")) && !existsSync(emulatorFile) ? `${dataDir}.old-${Date.now()}` : undefined;
  if (setAside) renameSync(dataDir, setAside);
  mkdirSync(dataDir, { recursive: true });
  const { emulator, resumed } = openEmulator(emulatorFile);
  const wecom = await emulator.listen(emulatorPort);
  // From here on a signal stops what this process started (the service registers its own stop too).
  const started: { service?: { stop: () => Promise<void> } } = {};
  let stopping = false;
  // Every signal, not just the first: a terminal's Ctrl-C reaches npm and this process, and npm
  // forwards it again; the repeat must not kill the demo half-way through its stop.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      saveEmulator(emulatorFile, emulator);
      Promise.all([started.service?.stop(), wecom.close()]).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }

  const env = {
    ...process.env,
    PORT: process.env.PORT ?? "3000",
    // Links in chat (progress page, join links) and the printed URLs use one host, so cookies match.
    PUBLIC_URL: process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? "3000"}`,
    APP_SECRET: process.env.APP_SECRET ?? DEMO.APP_SECRET,
    ADMIN_TOKEN: process.env.ADMIN_TOKEN ?? DEMO.ADMIN_TOKEN,
    DATA_DIR: dataDir,
    WECOM_API_BASE: wecom.url,
    WECOM_OAUTH_BASE: wecom.url,
    WECOM_LOGIN_BASE: wecom.url,
  };
  const server = await startNode(env);
  started.service = server;
  const base = `http://127.0.0.1:${server.port}`;
  const json = async (url: string, method: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url, {
      method,
      headers: { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const api = (method: string, path: string, body?: unknown) =>
    json(`${base}${path}`, method, body, { authorization: `Bearer ${env.ADMIN_TOKEN}` });
  const control = (method: string, path: string, body?: unknown) => json(`${wecom.url}/_emulator${path}`, method, body);

  const org = (await control("GET", "/org")) as { users?: { userid: string }[] };
  const admin = org.users?.[0]?.userid ?? "zhangsan";
  await api("POST", "/api/teams", { slug: "demo", name: "演示团队 Demo team" });
  const bound = await api("PUT", "/api/teams/demo/wecom", {
    corpId: DEFAULT_CORP_ID,
    agentId: DEFAULT_AGENT_ID,
    secret: DEFAULT_APP_SECRET,
    token: DEMO.token,
    encodingAesKey: DEMO.encodingAesKey,
    adminUserIds: [admin],
  });
  // A console login for the newcomer: the team's owner (409s on a second run are expected).
  const owner = (await json(`${base}/api/accounts`, "POST", {
    username: "admin",
    password: DEMO.ownerPassword,
    name: "演示管理员 Demo admin",
  })) as { account?: { id: number } };
  if (owner.account) await api("POST", "/api/teams/demo/members", { accountId: owner.account.id, role: "owner" });
  const sync = (await api("POST", "/api/teams/demo/sync")) as { job: { id: number }; progressUrl?: string };
  let job: Record<string, unknown> = {};
  for (let i = 0; i < 120 && !["succeeded", "failed", "needs_confirmation"].includes(String(job.state)); i++) {
    await new Promise((r) => setTimeout(r, 250));
    job = await api("GET", `/api/teams/demo/jobs/${sync.job.id}`);
  }
  await control("PUT", "/callback", { url: `${base}/wecom/demo/callback`, token: DEMO.token, encodingAesKey: DEMO.encodingAesKey });
  if (!resumed) {
    await control("POST", "/chat", { from: admin, content: "帮助" });
    await control("POST", "/users", { userid: `demo${Date.now() % 100000}`, name: "新同事", department: [1] });
    await new Promise((r) => setTimeout(r, 500));
  }
  saveEmulator(emulatorFile, emulator);
  const stats = await api("GET", "/api/teams/demo/callbacks/stats");
  // Someone to invite from the chat page: a member nobody has invited yet (not one who joined last run).
  const fresh = (await api("GET", "/api/teams/demo/members?status=imported&limit=5")) as { items?: { wecomUserId: string | null }[] };
  const colleague = fresh.items?.map((m) => m.wecomUserId).find((u): u is string => u !== null && u.toLowerCase() !== admin.toLowerCase());

  console.log(`
wecom-roster 演示 demo
  服务 Service:              ${env.PUBLIC_URL}
  企业微信模拟器 WeCom emulator: ${wecom.url}  (corpId ${DEFAULT_CORP_ID}, agentId ${DEFAULT_AGENT_ID})
  ${
    resumed
      ? `沿用上次的组织和聊天记录 Resumed the last run's org and chat: ${emulatorFile}（删除 ${dataDir} 从头开始 / delete ${dataDir} to start clean）`
      : `新的演示企业 A new demo company; its org and chat are kept in ${emulatorFile} for the next run`
  }${setAside ? `\n  旧的演示数据没有模拟器存档，已移到 / The old demo data had no emulator snapshot and was moved to: ${setAside}` : ""}
  绑定 Binding:              ${JSON.stringify(bound.visibility ?? bound)}
  导入 Import:               ${String(job.state)} ${JSON.stringify(job.counts)}
  进度页 Progress page:       ${sync.progressUrl ?? "-"}
  回调统计 Callback stats:     ${JSON.stringify(stats)}${resumed ? "" : `   (a chat message from ${admin} and a new member, pushed by the emulator)`}

从这里开始 Start here — chat with the app as a WeCom admin (${admin}), in the browser:
  ${wecom.url}/_emulator/chat?as=${encodeURIComponent(admin)}
  1. 发送「同步」→ 几秒后收到结果（计数和进度页链接）
     Send "sync" (or 同步) → in a few seconds, a summary with counts and a link to the progress page
${
  colleague
    ? `  2. 发送「授权 ${colleague}」→ ${colleague} 收到邀请卡片
     Send "authorize ${colleague}" → ${colleague} gets an invitation card
  3. 在左侧成员列表点 ${colleague}，点卡片上的「打开邀请 Open invitation」，注册账号 → 你已加入
     Click ${colleague} in the member list, open the card's invitation link, register → you have joined
     ${wecom.url}/_emulator/chat?as=${encodeURIComponent(colleague)}`
    : `  2. 所有成员都已邀请或加入 / Everyone has been invited or has joined; try 「进度」 (status) or 「匹配」 (match)`
}
  控制台登录 Console login: ${env.PUBLIC_URL}/login  (admin / ${DEMO.ownerPassword})

试一试 Try:
  curl -H 'authorization: Bearer ${env.ADMIN_TOKEN}' '${env.PUBLIC_URL}/api/teams/demo/members?limit=5'
  curl -H 'authorization: Bearer ${env.ADMIN_TOKEN}' -X POST ${env.PUBLIC_URL}/api/teams/demo/sync
  curl -H 'authorization: Bearer ${env.ADMIN_TOKEN}' ${env.PUBLIC_URL}/api/teams/demo/callbacks/stats
  curl -X POST -H 'content-type: application/json' -d '{"from":"${admin}","content":"同步"}' ${wecom.url}/_emulator/chat
  curl ${wecom.url}/_emulator/org | head -c 600
演示密钥仅供本地使用 / Demo secrets are for local use only. Ctrl-C 停止 / to stop.
`);
}

await main();
