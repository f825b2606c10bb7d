import { sql } from "drizzle-orm";
import { describe, expect } from "vitest";
import { BINDING, boundTeam } from "../../helpers/api";
import { control } from "../../helpers/emulator";
import { emulatorOrg, syncNow } from "../../helpers/sync";
import { api, auditRows, expectedMirror, mirror, subtree, teamIdOf } from "../../helpers/sync-scenarios";
import { syncTest } from "../../helpers/sync-fixture";
import { rowsOf } from "../../../src/db/queries/sql-arrays";
import { TEST_CORP_ID } from "../../helpers/deps";

// Each test shapes the emulator and binds "acme" itself.
// Set up in a hook (hookTimeout), not within the first test's own timeout: the file's database opens there.
syncTest.beforeEach(({ deps }) => void deps);

describe("import", () => {
  syncTest(
    "mirrors exactly the emulator's org: every department, every member once, multi-department members with the union",
    async ({ deps }) => {
      await boundTeam(deps, "acme");
      const teamId = await teamIdOf(deps, "acme");
      const org = await emulatorOrg(deps);
      const job = await syncNow(deps, "acme");

      expect(job).toMatchObject({ state: "succeeded", partial: false, progress: { phase: "done" } });
      const expected = expectedMirror(org);
      const got = await mirror(deps, teamId);
      expect(got).toEqual(expected);
      expect(got.departments).toHaveLength(org.departments.length);
      expect(got.members).toHaveLength(org.users.filter((u) => u.status !== 5).length);

      const multi = org.users.filter((u) => new Set(u.department).size > 1);
      expect(multi.length).toBeGreaterThanOrEqual(3);
      for (const u of multi) {
        expect(got.members.find((m) => m.key === u.userid.toLowerCase())?.departmentIds).toEqual(
          [...new Set(u.department)].sort((a, b) => a - b),
        );
      }
      expect(job.counts).toEqual({
        departments: { created: org.departments.length, updated: 0, moved: 0, deleted: 0 },
        members: { created: expected.members.length, updated: 0, moved: 0, deprovisioned: 0 },
      });
      // One member row per userid, one audit entry per created row.
      const created = await auditRows(deps, teamId, "member.created");
      expect(created).toHaveLength(expected.members.length);
      expect(new Set(created.map((r) => r.subjectId)).size).toBe(expected.members.length);
      expect(await auditRows(deps, teamId, "department.created")).toHaveLength(org.departments.length);

      // The read API agrees with the table.
      const list = await api(deps, "GET", "/api/teams/acme/members?limit=500");
      expect(list.status).toBe(200);
      expect((list.body as { total: number }).total).toBe(expected.members.length);
      const depts = await api(deps, "GET", "/api/teams/acme/departments");
      expect((depts.body as { items: { id: number }[] }).items.map((d) => d.id).sort((a, b) => a - b)).toEqual(
        org.departments.map((d) => d.id).sort((a, b) => a - b),
      );
    },
  );

  syncTest("merges a member listed in departments read in different steps (more departments than one step reads)", async ({ deps }) => {
    await control(deps, "POST", "/_emulator/reset", { corpId: TEST_CORP_ID, org: { generate: { departments: 27, users: 150, seed: 11 } } });
    await boundTeam(deps, "acme");
    const teamId = await teamIdOf(deps, "acme");
    const org = await emulatorOrg(deps);
    // Departments are read 10 per step in id order: find members whose departments straddle steps.
    const ids = org.departments.map((d) => d.id).sort((a, b) => a - b);
    const stepOf = (d: number) => Math.floor(ids.indexOf(d) / 10);
    const straddling = org.users.filter((u) => new Set(u.department.map(stepOf)).size > 1);
    expect(straddling.length).toBeGreaterThan(0);

    const job = await syncNow(deps, "acme");
    expect(job.state).toBe("succeeded");
    const got = await mirror(deps, teamId);
    expect(got).toEqual(expectedMirror(org));
    for (const u of straddling) {
      expect(got.members.filter((m) => m.key === u.userid.toLowerCase())).toHaveLength(1);
    }
  });

  syncTest("narrows to the binding's scope: only the chosen subtree, and members keep only mirrored departments", async ({ deps }) => {
    await boundTeam(deps, "acme");
    const teamId = await teamIdOf(deps, "acme");
    const org = await emulatorOrg(deps);
    // A center whose subtree is a strict part of the org, with members also outside it.
    const root = org.departments.find((d) => d.parentid === 1 && org.departments.some((c) => c.parentid === d.id))!;
    const rebound = await api(deps, "PUT", "/api/teams/acme/wecom", { ...BINDING, scopeDepartmentIds: [root.id] });
    expect(rebound.status).toBe(200);

    const job = await syncNow(deps, "acme");
    expect(job.state).toBe("succeeded");
    const expected = expectedMirror(org, { scopeRoots: [root.id] });
    const got = await mirror(deps, teamId);
    expect(got).toEqual(expected);
    expect(got.departments.length).toBeGreaterThan(1);
    expect(got.departments.length).toBeLessThan(org.departments.length);
    const mirrored = new Set(got.departments.map((d) => d.id));
    for (const m of got.members) for (const d of m.departmentIds) expect(mirrored.has(d)).toBe(true);
    // Someone in the subtree and elsewhere too keeps only the mirrored part.
    const straddler = org.users.find((u) => u.department.some((d) => mirrored.has(d)) && u.department.some((d) => !mirrored.has(d)));
    expect(straddler).toBeDefined();
    const m = got.members.find((x) => x.key === straddler!.userid.toLowerCase())!;
    expect(m.departmentIds).toEqual(straddler!.department.filter((d) => mirrored.has(d)).sort((a, b) => a - b));
    expect(mirrored.has(m.main!)).toBe(true);
    // Nobody outside the scope was imported.
    expect(got.members).toHaveLength(org.users.filter((u) => u.department.some((d) => mirrored.has(d))).length);
  });

  syncTest("imports members the app sees one by one (allowUsers) besides its departments", async ({ deps }) => {
    const org = await emulatorOrg(deps);
    const dept = org.departments.find((d) => d.parentid === 1)!;
    const visible = subtree(org, dept.id);
    const outsider = org.users.find((u) => u.status !== 5 && !u.department.some((d) => visible.has(d)))!;
    await control(deps, "PUT", "/_emulator/apps/1000002", { allowPartys: [dept.id], allowUsers: [outsider.userid] });
    await boundTeam(deps, "acme");
    const teamId = await teamIdOf(deps, "acme");

    const job = await syncNow(deps, "acme");
    expect(job.state).toBe("succeeded");
    const got = await mirror(deps, teamId);
    const m = got.members.find((x) => x.key === outsider.userid.toLowerCase());
    expect(m).toMatchObject({ userId: outsider.userid, name: outsider.name, status: "imported" });
    // None of their departments is visible, so none is mirrored.
    expect(m).toMatchObject({ departmentIds: [], main: null });
    expect(got.departments.map((d) => d.id).sort((a, b) => a - b)).toEqual([...visible].sort((a, b) => a - b));
    expect(got.members).toHaveLength(org.users.filter((u) => u.department.some((d) => visible.has(d))).length + 1);
  });

  syncTest(
    "leaves fresh statistics of the members table after writing 1,000 members or more (later runs' key lookups are planned for its real size)",
    async ({ deps }) => {
      const estimate = async () =>
        Number(
          rowsOf<{ n: number | string }>(await deps.db.execute(sql`select reltuples as n from pg_class where relname = 'members'`))[0]!.n,
        );
      // No autovacuum meanwhile (PostgreSQL): only the run itself may refresh them.
      await deps.db.execute(sql`alter table members set (autovacuum_enabled = false)`);
      try {
        await control(deps, "POST", "/_emulator/reset", {
          corpId: TEST_CORP_ID,
          org: { generate: { departments: 12, users: 1_100, seed: 3 } },
        });
        await boundTeam(deps, "acme");
        expect(await estimate()).toBeLessThan(1_000);
        const job = await syncNow(deps, "acme");
        expect(job.state).toBe("succeeded");
        expect(job.counts.members.created).toBeGreaterThanOrEqual(1_000);
        expect(await estimate()).toBe(job.counts.members.created);
      } finally {
        await deps.db.execute(sql`alter table members reset (autovacuum_enabled)`);
      }
    },
  );
});
