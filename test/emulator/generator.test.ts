import { describe, expect, it } from "vitest";
import { generateOrg, loadOrg } from "../../src/emulator";
import { call, control, setup, token } from "./helpers";

describe("generateOrg", () => {
  it("is deterministic: same seed → same org, another seed → another org", () => {
    const a = JSON.stringify(generateOrg({ departments: 40, users: 500, seed: 5 }));
    const b = JSON.stringify(generateOrg({ departments: 40, users: 500, seed: 5 }));
    const c = JSON.stringify(generateOrg({ departments: 40, users: 500, seed: 6 }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("builds 2,000 departments and 100,000 members, with unique userids and a shallow tree", () => {
    const org = generateOrg({ departments: 2000, users: 100_000, seed: 42 });
    expect(org.departments.size).toBe(2000);
    expect(org.users.size).toBe(100_000);
    const ids = [...org.users.values()].map((u) => u.userid);
    expect(new Set(ids.map((id) => id.toLowerCase())).size).toBe(100_000);
    expect(ids.every((id) => /^[a-z][a-z0-9]*$/.test(id))).toBe(true);

    const depth = (id: number): number => {
      const d = org.departments.get(id);
      return d === undefined || d.parentid === 0 ? 1 : 1 + depth(d.parentid);
    };
    expect(Math.max(...[...org.departments.keys()].map(depth))).toBeLessThanOrEqual(6);
    for (const d of org.departments.values()) {
      const siblings = org.children(d.parentid).map((s) => org.departments.get(s)?.name);
      expect(siblings.filter((n) => n === d.name)).toHaveLength(d.id === 1 ? 0 : 1);
    }
    const multi = [...org.users.values()].filter((u) => u.department.length > 1).length / org.users.size;
    expect(multi).toBeGreaterThan(0.07);
    expect(multi).toBeLessThan(0.13);
    const statuses = new Set([...org.users.values()].map((u) => u.status));
    expect(statuses).toEqual(new Set([1, 2, 4]));
    const sample = org.users.values().next().value!;
    expect(sample.name).toMatch(/^[\u4e00-\u9fff]{2,4}$/);
    expect(sample.department).toContain(sample.main_department);
  });

  it("loads an org from {departments, users} and refuses userids equal ignoring case", () => {
    const org = loadOrg({
      departments: [
        { id: 1, name: "公司" },
        { id: 2, name: "研发", parentid: 1 },
      ],
      users: [{ userid: "Alice", name: "爱丽丝", department: [2] }],
    });
    expect(org.getUser("ALICE")).toMatchObject({
      userid: "Alice",
      main_department: 2,
      status: 1,
      order: [0],
      is_leader_in_dept: [0],
      position: "",
    });
    expect(() =>
      loadOrg({
        departments: [{ id: 1, name: "公司" }],
        users: [
          { userid: "a", name: "A", department: [1] },
          { userid: "A", name: "B", department: [1] },
        ],
      }),
    ).toThrow(/unique ignoring case/);
  });

  it("a generated org serves user/list for every department, covering every member", async () => {
    const { emu } = setup();
    await control(emu, "POST", "/_emulator/reset", { org: { generate: { departments: 60, users: 1500, seed: 9 } } });
    const t = await token(emu);
    const depts = (await call(emu, "/cgi-bin/department/list", { token: t })).department as { id: number }[];
    expect(depts).toHaveLength(60);
    const seen = new Set<string>();
    for (const d of depts) {
      const r = await call(emu, `/cgi-bin/user/list?department_id=${d.id}`, { token: t });
      for (const u of r.userlist as { userid: string }[]) seen.add(u.userid);
    }
    expect(seen.size).toBe(1500);
  });
});
