import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../../src/services/actor";
import { cancelJob } from "../../../src/services/directory/cancel-job";
import { decideJob } from "../../../src/services/directory/decide-job";
import { readAudit } from "../../../src/services/directory/read-audit";
import { listTeamMembers } from "../../../src/services/directory/read-directory";
import { listJobs } from "../../../src/services/directory/read-jobs";
import { startSync } from "../../../src/services/directory/start-sync";
import { authorizeMembers, previewAuthorize } from "../../../src/services/invitations/authorize";
import { bindWecom } from "../../../src/services/teams/bind-wecom";
import { createTeam } from "../../../src/services/teams/create-team";
import { getBinding } from "../../../src/services/teams/get-binding";
import { createEndpoint } from "../../../src/services/webhooks/endpoints";
import { BINDING } from "../../helpers/api";
import type { TestDeps } from "../../helpers/deps";
import { jobRow } from "../../helpers/sync-scenarios";
import { ask, botWorld } from "../../bot/helpers";
import { client, type CookieJar, PASSWORD } from "../accounts/helpers";

// Verbs that trusted their transport (start-sync, cancel-job, decide-job, the reads, webhooks,
// binding) or checked only WeCom users (authorize) now ask the access policy themselves.

let close: () => Promise<void>;
let deps: TestDeps;
let acme: number;
let users: string[];
let api: ReturnType<typeof client>;
const operator: Actor = { kind: "operator" };
let memberAccount: Actor;
let memberJar: CookieJar;
let strangerAccount: Actor;
let strangerJar: CookieJar;
let wecomAdmin: Extract<Actor, { kind: "wecom_user" }>;
let wecomMember: Actor;
let seq = 0;

async function person(role: "member" | null): Promise<{ actor: Actor; jar: CookieJar }> {
  const username = `person-${++seq}`;
  const { id } = await api.register({ username, password: PASSWORD, name: username });
  if (role) expect((await api.json("POST", "/api/teams/acme/members", { accountId: id, role })).status).toBe(201);
  return { actor: { kind: "account", accountId: id }, jar: await api.login(username, PASSWORD) };
}

const jobCount = async () => (await listJobs(deps, operator, "acme")).length;
const codeOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

beforeAll(async () => {
  ({ deps, teamId: acme, users, close } = await botWorld());
  api = client(deps);
  ({ actor: memberAccount, jar: memberJar } = await person("member"));
  ({ actor: strangerAccount, jar: strangerJar } = await person(null));
  expect((await api.json("POST", "/api/teams", { slug: "beta", name: "Beta" })).status).toBe(201);
  // users[0] is in the binding's adminUserIds; users[2] is an ordinary WeCom member.
  wecomAdmin = { kind: "wecom_user", teamId: acme, userId: users[0]! };
  wecomMember = { kind: "wecom_user", teamId: acme, userId: users[2]! };
});
afterAll(async () => close());

describe("starting a sync", () => {
  it("is refused to a plain member's and a stranger's session, to a WeCom member in chat, and to the verb called as any of them", async () => {
    const before = await jobCount();
    const asMember = await api.asBrowser(memberJar, "POST", "/api/teams/acme/sync");
    expect([asMember.status, await codeOf(asMember)]).toEqual([403, "forbidden"]);
    const asStranger = await api.asBrowser(strangerJar, "POST", "/api/teams/acme/sync");
    expect([asStranger.status, await codeOf(asStranger)]).toEqual([403, "not_a_member"]);
    expect(await ask(deps, users[2]!, "sync")).toMatch(/^Sorry, only team admins/);
    await expect(startSync(deps, memberAccount, "acme")).rejects.toMatchObject({ code: "forbidden" });
    await expect(startSync(deps, strangerAccount, "acme")).rejects.toMatchObject({ code: "not_a_member" });
    await expect(startSync(deps, wecomMember, "acme")).rejects.toMatchObject({ code: "forbidden" });
    // acme's WeCom admin, as if chatting with another team's app.
    await expect(startSync(deps, { ...wecomAdmin, teamId: acme + 1 }, "acme")).rejects.toMatchObject({ code: "forbidden" });
    await expect(startSync(deps, { kind: "callback", teamId: acme }, "acme")).rejects.toMatchObject({ code: "forbidden" });
    expect(await jobCount()).toBe(before);
  });

  it("is open to the team's WeCom admin", async () => {
    const { job, created } = await startSync(deps, wecomAdmin, "acme");
    deps.deferred.queue.length = 0;
    expect(created).toBe(true);
    expect(job.state).toBe("queued");
    // The runner sees the cancel before its first step: the team has no open job afterwards.
    await cancelJob(deps, operator, "acme", job.id);
    await deps.deferred.flush();
    expect(await jobRow(deps, job.id)).toMatchObject({ state: "cancelled" });
  });
});

describe("cancelling and deciding a job", () => {
  it("are refused to a non-admin through the API and the verb, before the job's state is looked at; the job goes on", async () => {
    const { job } = await startSync(deps, operator, "acme");
    deps.deferred.queue.length = 0;
    const res = await api.asBrowser(memberJar, "POST", `/api/teams/acme/jobs/${job.id}/cancel`);
    expect([res.status, await codeOf(res)]).toEqual([403, "forbidden"]);
    for (const actor of [memberAccount, wecomMember]) {
      await expect(cancelJob(deps, actor, "acme", job.id)).rejects.toMatchObject({ code: "forbidden" });
      // A queued job is not waiting for a decision: an admin would get 409, an outsider gets 403.
      await expect(decideJob(deps, actor, "acme", job.id, "confirm")).rejects.toMatchObject({ code: "forbidden" });
    }
    await expect(cancelJob(deps, strangerAccount, "acme", job.id)).rejects.toMatchObject({ code: "not_a_member" });
    expect(await jobRow(deps, job.id)).toMatchObject({ state: "queued", cancelRequested: false });

    await expect(decideJob(deps, wecomAdmin, "acme", job.id, "confirm")).rejects.toMatchObject({ code: "conflict" });
    await cancelJob(deps, wecomAdmin, "acme", job.id);
    expect(await jobRow(deps, job.id)).toMatchObject({ state: "queued", cancelRequested: true });
    await deps.deferred.flush();
  });
});

describe("the other team verbs", () => {
  it("authorize and its preview refuse an account that is not a team admin (they used to check only WeCom users)", async () => {
    await expect(authorizeMembers(deps, memberAccount, "acme", { all: true })).rejects.toMatchObject({ code: "forbidden" });
    await expect(previewAuthorize(deps, strangerAccount, "acme", { all: true })).rejects.toMatchObject({ code: "not_a_member" });
    expect(await previewAuthorize(deps, wecomAdmin, "acme", { all: true })).toMatchObject({ total: users.length });
  });

  it("reads refuse a plain member and a WeCom member", async () => {
    for (const actor of [memberAccount, wecomMember]) {
      await expect(listTeamMembers(deps, actor, "acme", {})).rejects.toMatchObject({ code: "forbidden" });
      await expect(readAudit(deps, actor, "acme", {})).rejects.toMatchObject({ code: "forbidden" });
      await expect(getBinding(deps, actor, "acme")).rejects.toMatchObject({ code: "forbidden" });
    }
  });

  it("binding and webhooks are not offered to WeCom admins in chat, nor to plain members", async () => {
    for (const actor of [wecomAdmin, memberAccount]) {
      await expect(bindWecom(deps, actor, "acme", BINDING)).rejects.toMatchObject({ code: "forbidden" });
      await expect(createEndpoint(deps, actor, "acme", { url: "https://hooks.example.com/x" })).rejects.toMatchObject({
        code: "forbidden",
      });
    }
  });

  it("creating a team is the operator's alone, through the API and the verb", async () => {
    const res = await api.asBrowser(memberJar, "POST", "/api/teams", { slug: "gamma", name: "Gamma" });
    expect(res.status).toBe(401);
    await expect(createTeam(deps, memberAccount, { slug: "gamma", name: "Gamma" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(createTeam(deps, wecomAdmin, { slug: "gamma", name: "Gamma" })).rejects.toMatchObject({ code: "forbidden" });
    expect((await createTeam(deps, operator, { slug: "gamma", name: "Gamma" })).slug).toBe("gamma");
  });
});
