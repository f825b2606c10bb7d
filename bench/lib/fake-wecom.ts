// A stand-in for qyapi.weixin.qq.com so binding a team (which checks the app's credentials live
// with gettoken + agent/get) needs no network, and the bot's replies to a benchmark's chat
// messages (message/send) are accepted as WeCom would. Runs in the bench process; it counts what
// it was asked so the report can show which WeCom calls a run made.
import http from "node:http";

export interface FakeWecom {
  base: string;
  calls: Record<string, number>;
  close(): Promise<void>;
}

export async function startFakeWecom(o: { corpId: string; agentId: number; secret: string }): Promise<FakeWecom> {
  const calls: Record<string, number> = {};
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const api = url.pathname.replace(/^\/cgi-bin\//, "");
    calls[api] = (calls[api] ?? 0) + 1;
    const reply = (body: Record<string, unknown>) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    req.resume();
    req.once("end", () => {
      if (api === "gettoken") {
        if (url.searchParams.get("corpid") !== o.corpId || url.searchParams.get("corpsecret") !== o.secret)
          return reply({ errcode: 40001, errmsg: "invalid credential" });
        return reply({ errcode: 0, errmsg: "ok", access_token: "bench-access-token", expires_in: 7200 });
      }
      if (api === "agent/get") {
        return reply({
          errcode: 0,
          errmsg: "ok",
          agentid: o.agentId,
          name: "bench",
          allow_userinfos: { user: [] },
          allow_partys: { partyid: [1] },
          allow_tags: { tagid: [] },
          close: 0,
        });
      }
      if (api === "message/send") return reply({ errcode: 0, errmsg: "ok", msgid: `bench-${calls[api]}` });
      // Anything else is outside what a benchmark setup needs: a definite, non-retryable refusal.
      reply({ errcode: 48002, errmsg: `api forbidden (bench fake WeCom has no ${api})` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    base: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
