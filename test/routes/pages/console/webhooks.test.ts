import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, webhookEndpoints } from "../../../../src/db/schema";
import { deliverWebhooks } from "../../../../src/services/webhooks/deliver";
import { FakeClock } from "../../../helpers/deps";
import { syncNow } from "../../../helpers/sync";
import { webhookReceiver } from "../../../helpers/webhook-receiver";
import { boundTeam } from "../../../helpers/api";
import { csrfOf } from "../../../services/accounts/helpers";
import { consoleWorld, pageHtml, person, postForm, submit, textOf, type ConsoleWorld } from "./helpers";

let w: ConsoleWorld;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;

beforeAll(async () => {
  // The receiver checks webhook-timestamp against its own clock: start from now.
  w = await consoleWorld({ sync: false, deps: { env: { WEBHOOK_ALLOW_PRIVATE: "true" }, clock: new FakeClock(Date.now()) } });
  receiver = await webhookReceiver();
});
afterAll(async () => {
  await receiver.close();
  await w.close();
});

const endpoints = () => w.db.select().from(webhookEndpoints);

/** Adds an endpoint through the form; answers the page and the secret it showed. */
async function addThroughForm(path: string, events: string[] = []): Promise<{ html: string; secret: string; id: string }> {
  const res = await submit(w.api, w.owner, "/teams/acme/webhooks", [
    ["url", `${receiver.base}${path}`],
    ...events.map((e): [string, string] => ["events", e]),
  ]);
  const html = await res.text();
  expect(res.status, html.slice(0, 300)).toBe(200);
  const secret = /<code id="secret">(whsec_[^<]+)<\/code>/.exec(html)?.[1];
  const row = (await endpoints()).find((e) => e.url === `${receiver.base}${path}`);
  if (!secret || !row) throw new Error("no endpoint added");
  receiver.expect(path, secret);
  return { html, secret, id: row.id };
}

describe("webhook endpoints page", () => {
  it("lists nothing at first, adds an endpoint with its event filter, shows its secret once, audited with the admin", async () => {
    const empty = await pageHtml(w.api, w.owner, "/teams/acme/webhooks");
    expect(empty).toContain('id="no-endpoints"');
    expect(empty).toContain('href="/teams/acme/webhooks" aria-current="page"');

    const { html, secret, id } = await addThroughForm("/page", ["member.joined", "sync.succeeded"]);
    expect(html).toContain(`id="endpoint-${id}"`);
    expect(textOf(html)).toContain("签名密钥只显示这一次");
    const [row] = (await endpoints()).filter((e) => e.id === id);
    expect(row!.events).toEqual(["member.joined", "sync.succeeded"]);

    const again = await pageHtml(w.api, w.owner, "/teams/acme/webhooks");
    expect(again).toContain(`id="endpoint-${id}"`);
    expect(again).not.toContain(secret.slice(6));
    expect(again).not.toContain('id="secret"');
    const [audit] = await w.db.select().from(auditLog).where(eq(auditLog.action, "webhook.created"));
    expect(audit).toMatchObject({ actor: `account:${w.ownerId}`, subjectType: "webhook", subjectId: id });
  });

  it("answers a bad URL with 422 on the page, the field's problem shown and the URL kept, nothing stored", async () => {
    const before = (await endpoints()).length;
    const res = await submit(w.api, w.owner, "/teams/acme/webhooks", { url: "ftp://files.example.com/drop" });
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('value="ftp://files.example.com/drop"');
    expect(textOf(html)).toContain("只接受 http(s)");
    expect(await endpoints()).toHaveLength(before);
  });

  it("refuses a post without the CSRF field: 403, nothing stored", async () => {
    const before = (await endpoints()).length;
    const res = await postForm(w.api, w.owner, "/teams/acme/webhooks", [["url", "https://hooks.example.com/x"]]);
    expect(res.status).toBe(403);
    expect(textOf(await res.text())).toContain("csrf_failed");
    expect(await endpoints()).toHaveLength(before);
  });

  it("deletes an endpoint and says so", async () => {
    const { id } = await addThroughForm("/to-delete");
    const res = await submit(w.api, w.owner, "/teams/acme/webhooks", {}, `/teams/acme/webhooks/${id}/delete`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/teams/acme/webhooks?ok=webhook_deleted");
    expect((await endpoints()).some((e) => e.id === id)).toBe(false);
    expect(textOf(await pageHtml(w.api, w.owner, "/teams/acme/webhooks?ok=webhook_deleted"))).toContain("Webhook 已删除");
  });
});

describe("an endpoint's delivery log", () => {
  it("shows status, latency and response, and sends a delivery again with the same webhook-id", async () => {
    const { id } = await addThroughForm("/log", ["sync.succeeded"]);
    expect((await syncNow(w.deps, "acme")).state).toBe("succeeded");
    await deliverWebhooks(w.deps);
    expect(receiver.at("/log")).toHaveLength(1);

    const html = await pageHtml(w.api, w.owner, `/teams/acme/webhooks/${id}`);
    const delivery = /id="delivery-(\d+)"/.exec(html)?.[1];
    expect(delivery).toBeDefined();
    const row = textOf(html);
    for (const s of ["sync.succeeded", "已送达", "HTTP 200", " ms", "ok"]) expect(row).toContain(s);

    const res = await submit(w.api, w.owner, `/teams/acme/webhooks/${id}`, {}, `/teams/acme/webhooks/${id}/deliveries/${delivery}/retry`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/teams/acme/webhooks/${id}?ok=webhook_resent`);
    await w.deps.deferred.flush();
    const got = receiver.at("/log");
    expect(got).toHaveLength(2);
    expect(got[1]!.id).toBe(got[0]!.id);
    expect(got.every((r) => r.verified)).toBe(true);
    const [audit] = await w.db.select().from(auditLog).where(eq(auditLog.action, "webhook.resent"));
    expect(audit).toMatchObject({ actor: `account:${w.ownerId}`, subjectId: id });
  });

  it("answers an unknown delivery with a 404 page", async () => {
    const { id } = await addThroughForm("/missing");
    const res = await submit(w.api, w.owner, `/teams/acme/webhooks/${id}`, {}, `/teams/acme/webhooks/${id}/deliveries/999999/retry`);
    expect(res.status).toBe(404);
    expect(textOf(await res.text())).toContain("没有这次投递");
  });

  it("shows a disabled endpoint as such and enables it again", async () => {
    const { id } = await addThroughForm("/disabled");
    const at = new Date();
    await w.db
      .update(webhookEndpoints)
      .set({ disabledAt: at, failingSince: new Date(at.getTime() - 86_400_000) })
      .where(eq(webhookEndpoints.id, id));
    const list = await pageHtml(w.api, w.owner, "/teams/acme/webhooks");
    expect(list).toMatch(new RegExp(`id="endpoint-${id}"[\\s\\S]*?data-state="disabled"`));
    const page = await pageHtml(w.api, w.owner, `/teams/acme/webhooks/${id}`);
    expect(page).toContain('id="enable"');
    expect(textOf(page)).toContain("连续失败 24 小时后已停用");

    const res = await submit(w.api, w.owner, `/teams/acme/webhooks/${id}`, {}, `/teams/acme/webhooks/${id}/enable`);
    expect(res.headers.get("location")).toBe(`/teams/acme/webhooks/${id}?ok=webhook_enabled`);
    const [row] = (await endpoints()).filter((e) => e.id === id);
    expect(row).toMatchObject({ disabledAt: null, failingSince: null });
    const after = await pageHtml(w.api, w.owner, `/teams/acme/webhooks/${id}`);
    expect(after).not.toContain('id="enable"');
    expect(after).toContain('data-state="enabled"');
  });
});

describe("who may see and change a team's webhooks", () => {
  it("refuses another team's admin and a plain member, on every page and post", async () => {
    const { id } = await addThroughForm("/guarded");
    await boundTeam(w.deps, "other");
    const stranger = await person(w.api, w.db, "other", "otheradmin", { role: "admin" });
    const member = await person(w.api, w.db, "acme", "plain1", { role: "member" });
    for (const jar of [stranger.jar, member.jar]) {
      for (const path of ["/teams/acme/webhooks", `/teams/acme/webhooks/${id}`]) {
        expect((await w.api.page(jar, path)).status).toBe(403);
      }
      // A valid token for their own session, posted to acme's forms.
      const token = csrfOf(await pageHtml(w.api, jar, "/teams"));
      for (const path of ["/teams/acme/webhooks", `/teams/acme/webhooks/${id}/delete`, `/teams/acme/webhooks/${id}/enable`]) {
        const res = await postForm(w.api, jar, path, [
          ["_csrf", token],
          ["url", "https://hooks.example.com/steal"],
        ]);
        expect(res.status).toBe(403);
      }
    }
    expect((await endpoints()).some((e) => e.id === id)).toBe(true);
    expect((await endpoints()).some((e) => e.url.includes("steal"))).toBe(false);
  });

  it("sends a visitor without a session to sign in", async () => {
    const res = await w.api.request("/teams/acme/webhooks", { redirect: "manual" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/login\?next=/);
  });
});
