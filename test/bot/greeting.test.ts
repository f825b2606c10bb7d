import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TestDeps } from "../helpers/deps";
import { control } from "../helpers/emulator";
import { memberByKey } from "../helpers/sync-scenarios";
import { appEventXml, botWorld, clearSent, deliver, makeAdminMember, textsTo } from "./helpers";

let close: () => Promise<void>;
let deps: TestDeps;
let teamId: number;
let admin: string;
let memberAdmin: string;
let plain: string;

beforeAll(async () => {
  let users: string[];
  ({ deps, teamId, users, close } = await botWorld());
  [admin, memberAdmin, plain] = users as [string, string, string];
  await makeAdminMember(deps, teamId, memberAdmin);
});
afterAll(async () => close());
beforeEach(async () => clearSent(deps));

/** An app event from a member, a few seconds after the last one (so WeCom would send a new event). */
async function event(userId: string, name: string): Promise<void> {
  deps.clock.advance(5_000);
  await deliver(deps, appEventXml(deps, userId, name));
}

describe("enter_agent and subscribe greet an admin with help, at most once a day", () => {
  it("an admin opening the app is greeted once; again the same day, nothing; a day later, again", async () => {
    await event(admin, "enter_agent");
    const [greeting, ...rest] = await textsTo(deps, admin);
    expect(rest).toEqual([]);
    expect(greeting).toMatch(/^你好！我是「Acme 团队」的通讯录助手。\n可用命令：\n帮助 — 显示本帮助/);
    expect(greeting).toContain("Send “help” for English.");
    await event(admin, "enter_agent");
    await event(admin.toUpperCase(), "enter_agent");
    expect(await textsTo(deps, admin)).toHaveLength(1);
    deps.clock.advance(23 * 60 * 60 * 1000);
    await event(admin, "enter_agent");
    expect(await textsTo(deps, admin)).toHaveLength(1);
    deps.clock.advance(60 * 60 * 1000);
    await event(admin, "enter_agent");
    expect(await textsTo(deps, admin)).toHaveLength(2);
  });

  it("a member who is not an admin is not greeted", async () => {
    await event(plain, "enter_agent");
    await event(plain, "subscribe");
    expect(await textsTo(deps, plain)).toEqual([]);
  });

  it("subscribe still re-reads the member from WeCom, and greets an admin", async () => {
    await control(deps, "PATCH", `/_emulator/users/${memberAdmin}`, { position: "新岗位" });
    await event(memberAdmin, "subscribe");
    expect((await memberByKey(deps, teamId, memberAdmin)).position).toBe("新岗位");
    expect(await textsTo(deps, memberAdmin)).toHaveLength(1);
    await event(memberAdmin, "enter_agent");
    expect(await textsTo(deps, memberAdmin)).toHaveLength(1);
  });
});
