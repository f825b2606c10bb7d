import { beforeAll, describe, expect, it } from "vitest";
import { WORKER_BINDING } from "./env";
import { api, bindTeam, emulator } from "./worker-client";

interface Job {
  id: number;
  state: string;
  initiator: string;
  counts: { departments: Record<string, number>; members: Record<string, number> };
}

beforeAll(async () => {
  await bindTeam("imp");
});

describe("import through the Worker, WeCom played by the emulator over HTTP", () => {
  it("POST /sync answers 202 and the job, run under waitUntil, imports every visible member", async () => {
    const started = await api("POST", "/api/teams/imp/sync");
    expect(started.status).toBe(202);
    const { job } = started.json<{ job: Job }>();
    const done = (await api("GET", `/api/teams/imp/jobs/${job.id}`)).json<Job>();
    expect(done).toMatchObject({ state: "succeeded", initiator: "admin" });
    expect(done.counts.members.created).toBeGreaterThan(0);

    const org = await emulator<{ users: { userid: string }[]; departments: { id: number }[] }>("GET", "/org");
    const members = (await api("GET", "/api/teams/imp/members?limit=1")).json<{ total: number }>();
    expect(members.total).toBe(org.users.length);
    const departments = (await api("GET", "/api/teams/imp/departments")).json<{ items: unknown[] }>();
    expect(departments.items).toHaveLength(org.departments.length);
  });

  it("the job's progress events stream (SSE) from the Worker", async () => {
    const [job] = (await api("GET", "/api/teams/imp/jobs")).json<{ items: Job[] }>().items;
    const res = await api("GET", `/teams/imp/jobs/${job!.id}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(res.text).toMatch(/^event: progress\ndata: \{"id":\d+,"state":"succeeded"/m);
  });

  it("a second sync finds nothing to change", async () => {
    const started = (await api("POST", "/api/teams/imp/sync")).json<{ job: Job }>();
    const done = (await api("GET", `/api/teams/imp/jobs/${started.job.id}`)).json<Job>();
    expect(done.state).toBe("succeeded");
    expect(done.counts).toEqual({
      departments: { created: 0, updated: 0, moved: 0, deleted: 0 },
      members: { created: 0, updated: 0, moved: 0, deprovisioned: 0 },
    });
  });

  it("60020 names the relay remedy: WECOM_API_BASE already points at a relay, so its egress IP is the one to trust", async () => {
    await api("POST", "/api/teams", { slug: "imp-ip", name: "ip" });
    const errmsg =
      "not allow to access from your ip, hint: [w], from ip: 203.0.113.7, more info at https://open.work.weixin.qq.com/devtool/query?e=60020";
    await emulator("POST", "/faults", { api: "*", errcode: 60020, errmsg, times: 1 });
    const res = await api("PUT", "/api/teams/imp-ip/wecom", WORKER_BINDING);
    expect(res.status).toBe(422);
    const body = res.json<{ error: { code: string; message: string; errcode: number; ip: string } }>();
    expect(body.error).toMatchObject({ code: "wecom_rejected", errcode: 60020, ip: "203.0.113.7" });
    expect(body.error.message).toContain("转发服务（WECOM_API_BASE）的出口 IP 203.0.113.7");
    expect(body.error.message).toContain("add the relay's (WECOM_API_BASE) egress IP 203.0.113.7");
  });
});
