import { randomBytes } from "node:crypto";
import { computeSignature, encryptMessage } from "../wecom/crypto";
import { startNode } from "./node";

/**
 * `npm run demo`: the service on embedded PGlite with demo-only secrets, a bound demo team, and a
 * signed, encrypted callback sent to it as WeCom would. The local WeCom emulator joins with its
 * issue; until then this shows the callback path end to end.
 */
const DEMO = {
  APP_SECRET: "demo-only-app-secret-do-not-use-in-production",
  ADMIN_TOKEN: "demo-admin-token",
  corpId: "wwdemo0000000001",
  agentId: 1000002,
  secret: "demo-self-built-app-secret-000000000000000",
  token: "DemoToken123",
  encodingAesKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
};

async function main(): Promise<void> {
  const port = process.env.PORT ?? "3000";
  const env = {
    ...process.env,
    PORT: port,
    APP_SECRET: process.env.APP_SECRET ?? DEMO.APP_SECRET,
    ADMIN_TOKEN: process.env.ADMIN_TOKEN ?? DEMO.ADMIN_TOKEN,
    DATA_DIR: process.env.DATA_DIR ?? "./data/demo",
  };
  const server = await startNode(env);
  const base = `http://127.0.0.1:${server.port}`;
  const auth = { authorization: `Bearer ${env.ADMIN_TOKEN}`, "content-type": "application/json" };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) };
  };

  await call("POST", "/api/teams", { slug: "demo", name: "演示团队 Demo team" });
  const bound = await call("PUT", "/api/teams/demo/wecom", {
    corpId: DEMO.corpId,
    agentId: DEMO.agentId,
    secret: DEMO.secret,
    token: DEMO.token,
    encodingAesKey: DEMO.encodingAesKey,
  });

  const xml = `<xml><ToUserName><![CDATA[${DEMO.corpId}]]></ToUserName><FromUserName><![CDATA[ZhangSan]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[帮助]]></Content><MsgId>${BigInt(`0x${randomBytes(7).toString("hex")}`).toString()}</MsgId><AgentID>${DEMO.agentId}</AgentID></xml>`;
  const encrypt = encryptMessage(DEMO.encodingAesKey, xml, DEMO.corpId);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(Math.floor(Math.random() * 1e9));
  const query = new URLSearchParams({ msg_signature: computeSignature(DEMO.token, timestamp, nonce, encrypt), timestamp, nonce });
  const posted = await fetch(`${base}/wecom/demo/callback?${query.toString()}`, {
    method: "POST",
    body: `<xml><ToUserName><![CDATA[${DEMO.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`,
  });
  await new Promise((r) => setTimeout(r, 300));
  const stats = await call("GET", "/api/teams/demo/callbacks/stats");

  console.log(`
wecom-roster 演示 demo — ${base}
  绑定 Binding:        ${JSON.stringify(bound.body)}
  回调 Callback POST:  HTTP ${posted.status} (encrypted, signed text message "帮助")
  回调统计 Stats:       ${JSON.stringify(stats.body)}

试一试 Try:
  curl ${base}/healthz
  curl -H 'authorization: Bearer ${env.ADMIN_TOKEN}' ${base}/api/teams/demo/wecom
  curl -H 'authorization: Bearer ${env.ADMIN_TOKEN}' ${base}/api/teams/demo/callbacks/stats
演示密钥仅供本地使用 / Demo secrets are for local use only. Ctrl-C 停止 / to stop.
`);
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      server.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

await main();
