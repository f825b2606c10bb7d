// agent/get (docs/wecom.md#agentget): a token may only read its own app; another agentid → 301002
// (the likely code, docs/wecom.md#unconfirmed).
import type { Hono } from "hono";
import type { EmuEnv } from "../hono-env";
import { fail, ok } from "../respond";

export function agentRoutes(app: Hono<EmuEnv>): void {
  app.on(["GET", "POST"], "/cgi-bin/agent/get", (c) => {
    const caller = c.get("caller");
    const raw = c.req.query("agentid");
    if (!raw) return fail(c, 41011);
    if (caller.kind !== "app") return fail(c, 48002);
    const agentId = Number(raw);
    if (!Number.isInteger(agentId)) return fail(c, 40056);
    if (agentId !== caller.app.agentId) return fail(c, 301002);
    const a = caller.app;
    return ok(c, {
      agentid: a.agentId,
      name: a.name,
      square_logo_url: "https://p.qlogo.cn/bizmail/emu/0",
      description: "",
      allow_userinfos: { user: a.allowUsers.map((userid) => ({ userid })) },
      allow_partys: { partyid: a.allowPartys },
      allow_tags: { tagid: a.allowTags },
      close: a.close,
      redirect_domain: a.redirectDomain ?? "",
      report_location_flag: 0,
      isreportenter: 0,
      home_url: "",
    });
  });
}
