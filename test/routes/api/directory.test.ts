import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, teams } from "../../../src/db/schema";
import { apiClient, boundTeam } from "../../helpers/api";
import { testDeps, type TestDeps } from "../../helpers/deps";
import { emulatorOrg, syncNow } from "../../helpers/sync";
import { openTestDb } from "../../helpers/test-db";

let opened: Awaited<ReturnType<typeof openTestDb>>;
let deps: TestDeps;
let api: ReturnType<typeof apiClient>;

interface MembersPage {
  items: { id: number; wecomUserId: string; name: string; departmentIds: number[]; status: string; accountId: number | null }[];
  nextCursor: string | null;
  total: number;
}

beforeAll(async () => {
  opened = await openTestDb();
  deps = testDeps(opened.db);
  api = apiClient(deps);
  await boundTeam(deps, "acme");
  await api.json("POST", "/api/teams", { slug: "plain", name: "Plain" });
  await syncNow(deps, "acme");
});
afterAll(async () => opened.close());

describe("POST /api/teams/:slug/sync", () => {
  it("answers 202 with the running job, and the same job while it is open", async () => {
    const first = await api.json("POST", "/api/teams/acme/sync");
    expect(first.status).toBe(202);
    const a = (await first.json()) as { job: { id: number; state: string } };
    expect(a.job.state).toBe("queued");
    const again = (await (await api.json("POST", "/api/teams/acme/sync")).json()) as { job: { id: number } };
    expect(again.job.id).toBe(a.job.id);
    await deps.deferred.flush();
    const done = (await (await api.json("GET", `/api/teams/acme/jobs/${a.job.id}`)).json()) as {
      state: string;
      progress: { phase: string; done: number; total: number };
    };
    expect(done).toMatchObject({ state: "succeeded", progress: { phase: "done" } });
    expect(done.progress.done).toBe(done.progress.total);
  });

  it("refuses an unbound team with 409 not_bound and an unknown one with 404", async () => {
    expect(await (await api.json("POST", "/api/teams/plain/sync")).json()).toMatchObject({ error: { code: "not_bound" } });
    expect((await api.json("POST", "/api/teams/nobody/sync")).status).toBe(404);
    expect((await api.json("GET", "/api/teams/acme/jobs/999999")).status).toBe(404);
    expect((await api.json("GET", "/api/teams/acme/jobs/abc")).status).toBe(404);
  });
});

describe("read-only structure", () => {
  it.each([
    ["POST", "/api/teams/acme/departments", { name: "新部门", parentId: 1 }],
    ["PATCH", "/api/teams/acme/departments/2", { name: "改名" }],
    ["DELETE", "/api/teams/acme/departments/2", undefined],
    ["PATCH", "/api/teams/acme/members/1/departments", { departmentIds: [2] }],
  ])("%s %s answers 409 managed_by_wecom and changes nothing", async (method, path, body) => {
    const before = await (await api.json("GET", "/api/teams/acme/departments")).text();
    const res = await api.json(method, path, body);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: "managed_by_wecom" } });
    expect(await (await api.json("GET", "/api/teams/acme/departments")).text()).toBe(before);
  });

  it("lists the mirrored departments with WeCom's ids", async () => {
    const org = await emulatorOrg(deps);
    const body = (await (await api.json("GET", "/api/teams/acme/departments")).json()) as {
      items: { id: number; name: string; parentId: number; order: number }[];
    };
    expect(body.items.map((d) => d.id).sort((a, b) => a - b)).toEqual(org.departments.map((d) => d.id).sort((a, b) => a - b));
    const root = body.items.find((d) => d.id === 1)!;
    expect(root).toMatchObject({ parentId: 0 });
  });
});

describe("GET /api/teams/:slug/members", () => {
  it("pages with a keyset cursor through every member exactly once", async () => {
    const seen: number[] = [];
    let cursor: string | null = "";
    let total = 0;
    do {
      const page = (await (
        await api.json("GET", `/api/teams/acme/members?limit=7${cursor ? `&cursor=${cursor}` : ""}`)
      ).json()) as MembersPage;
      seen.push(...page.items.map((m) => m.id));
      total = page.total;
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(total);
    expect(total).toBe((await emulatorOrg(deps)).users.filter((u) => u.status !== 5).length);
  });

  it("filters by status, department and search text", async () => {
    const all = (await (await api.json("GET", "/api/teams/acme/members?limit=500")).json()) as MembersPage;
    const someone = all.items[3]!;
    const byName = (await (await api.json("GET", `/api/teams/acme/members?q=${encodeURIComponent(someone.name)}`)).json()) as MembersPage;
    expect(byName.items.map((m) => m.id)).toContain(someone.id);
    expect(
      byName.items.every((m) => m.name.includes(someone.name) || m.wecomUserId.toLowerCase().includes(someone.name.toLowerCase())),
    ).toBe(true);
    const byId = (await (await api.json("GET", `/api/teams/acme/members?q=${someone.wecomUserId.toUpperCase()}`)).json()) as MembersPage;
    expect(byId.items.map((m) => m.id)).toContain(someone.id);
    const dept = someone.departmentIds[0]!;
    const inDept = (await (await api.json("GET", `/api/teams/acme/members?department=${dept}&limit=500`)).json()) as MembersPage;
    expect(inDept.total).toBe(all.items.filter((m) => m.departmentIds.includes(dept)).length);
    const active = (await (await api.json("GET", "/api/teams/acme/members?status=active")).json()) as MembersPage;
    expect(active.total).toBe(0);
    const imported = (await (await api.json("GET", "/api/teams/acme/members?status=imported&limit=1")).json()) as MembersPage;
    expect(imported.total).toBe(all.total);
    const pct = (await (await api.json("GET", "/api/teams/acme/members?q=%25")).json()) as MembersPage;
    expect(pct.total).toBe(0);
  });

  it("names bad query parameters in a 422", async () => {
    const res = await api.json("GET", "/api/teams/acme/members?status=gone&limit=0&cursor=-1");
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { fields: { field: string }[] } };
    expect(body.error.fields.map((f) => f.field).sort()).toEqual(["cursor", "limit", "status"]);
  });
});

describe("malformed cursors and limits", () => {
  it("are a 422 naming the field on every paged endpoint, never a 500", async () => {
    const jobs = (await (await api.json("GET", "/api/teams/acme/jobs")).json()) as { items: { id: number }[] };
    const job = jobs.items[0]!.id;
    const paged = [
      ["/api/teams/acme/members", "cursor"],
      ["/api/teams/acme/members", "limit"],
      ["/api/teams/acme/members", "department"],
      [`/api/teams/acme/jobs/${job}/staged`, "cursor"],
      [`/api/teams/acme/jobs/${job}/staged`, "limit"],
      ["/api/teams/acme/audit", "before"],
      ["/api/teams/acme/audit", "limit"],
    ] as const;
    for (const [path, field] of paged) {
      for (const bad of ["1e309", "1.5", "1e20", "-1", "0x10", "9".repeat(16), "abc"]) {
        const res = await api.json("GET", `${path}?${field}=${encodeURIComponent(bad)}`);
        expect(res.status, `${path}?${field}=${bad}`).toBe(422);
        const body = (await res.json()) as { error: { code: string; fields: { field: string }[] } };
        expect(body.error.code).toBe("validation_failed");
        expect(body.error.fields.map((f) => f.field)).toEqual([field]);
      }
    }
    expect((await api.json("GET", `/api/teams/acme/jobs/${job}/staged?cursor=0&limit=5`)).status).toBe(200);
  });
});

describe("GET /api/teams/:slug/audit", () => {
  it("records each import change with the job and initiator, newest first, filterable", async () => {
    const body = (await (await api.json("GET", "/api/teams/acme/audit?action=member.created&limit=5")).json()) as {
      items: { id: number; action: string; initiator: string; jobId: number; after: { name: string } }[];
      nextCursor: string;
    };
    expect(body.items).toHaveLength(5);
    expect(body.items.every((e) => e.action === "member.created" && e.initiator === "admin" && e.jobId > 0 && e.after.name)).toBe(true);
    const ids = body.items.map((e) => e.id);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    const next = (await (
      await api.json("GET", `/api/teams/acme/audit?action=member.created&limit=5&before=${body.nextCursor}`)
    ).json()) as { items: { id: number }[] };
    expect(next.items[0]!.id).toBeLessThan(ids[4]!);
  });
});

describe("authorization", () => {
  it.each([
    ["POST", "/api/teams/acme/sync"],
    ["GET", "/api/teams/acme/jobs/1"],
    ["POST", "/api/teams/acme/jobs/1/confirm"],
    ["GET", "/api/teams/acme/members"],
    ["GET", "/api/teams/acme/departments"],
    ["PUT", "/api/teams/acme/policy"],
    ["GET", "/api/teams/acme/audit"],
    ["POST", "/api/teams/acme/members/1/restore"],
  ])("%s %s needs the operator token", async (method, path) => {
    const res = await api.json(method, path, undefined, { authorization: "Bearer nope-nope-nope-nope" });
    expect(res.status).toBe(401);
  });
});

describe("audit log storage", () => {
  it("refuses updates and direct deletes, but lets a team's deletion take its rows along", async () => {
    await expect(opened.db.execute("update audit_log set action = 'forged'")).rejects.toThrow();
    await expect(opened.db.execute("delete from audit_log")).rejects.toThrow();
    await boundTeam(deps, "doomed");
    await syncNow(deps, "doomed");
    const [team] = await opened.db.select().from(teams).where(eq(teams.slug, "doomed"));
    const count = async () => (await opened.db.select().from(auditLog).where(eq(auditLog.teamId, team!.id))).length;
    expect(await count()).toBeGreaterThan(0);
    await opened.db.delete(teams).where(eq(teams.id, team!.id));
    expect(await count()).toBe(0);
  });
});
