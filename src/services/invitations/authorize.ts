import { and, eq, inArray, isNotNull } from "drizzle-orm";
import { z } from "zod";
import { appendAudit } from "../../db/queries/audit";
import { teamDepartments, type MemberRow } from "../../db/queries/directory";
import { revokeOpenOf } from "../../db/queries/invitations";
import { members, type MemberStatus } from "../../db/schema";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import type { WecomApi } from "../../wecom/api";
import { WecomApiError } from "../../wecom/api-error";
import { authorizedNotice } from "../../wecom/cards";
import { callerLabel, type Caller } from "../accounts/caller";
import { auditEntry } from "../directory/audit-entry";
import { userKey } from "../directory/mirror-shape";
import { boundTeamFor } from "../directory/team-lookup";
import { deliverInvitation } from "./deliver";
import { decideInvitation } from "./invite-member";
import { teamApi } from "./team-api";
import { parseInput, positiveId } from "../validate";

export interface AuthorizeResult {
  authorized: number;
  invited: number;
  alreadyActive: number;
  /** Members with an open, delivered invitation: nothing sent again. */
  alreadyInvited: number;
  skipped: { wecomUserId: string; reason: string }[];
  invalidUsers: string[];
  /** Who got access or a new invitation card, in id order: what a reply names. */
  reached: { wecomUserId: string; name: string }[];
}

type Selector = { kind: "users"; keys: string[]; given: Map<string, string> } | { kind: "department"; id: number } | { kind: "all" };

const MAX_USER_IDS = 10_000;
const USER_IDS = `1–${MAX_USER_IDS} 个企业微信账号 / 1–${MAX_USER_IDS} WeCom userids`;

/** `POST /api/teams/:slug/authorize`: exactly one of `wecomUserIds`, `departmentId`, `all: true`. */
export const AuthorizeInput = z
  .object({
    wecomUserIds: z
      .array(z.string({ error: USER_IDS }).max(64, { error: USER_IDS }).regex(/\S/, { error: USER_IDS }), { error: USER_IDS })
      .min(1, { error: USER_IDS })
      .max(MAX_USER_IDS, { error: USER_IDS })
      .nullish(),
    departmentId: positiveId("部门 ID（正整数）/ a department id (a positive integer)").nullish(),
    all: z.literal(true, { error: "只能为 true / must be true" }).nullish(),
  })
  .check((ctx) => {
    if ([ctx.value.wecomUserIds, ctx.value.departmentId, ctx.value.all].filter((v) => v != null).length !== 1) {
      const message = "只能且必须给出 wecomUserIds、departmentId、all 之一 / exactly one of wecomUserIds, departmentId, all";
      ctx.issues.push({ code: "custom", path: ["selector"], message, input: ctx.value });
    }
  });
const BATCH = 1000;
/** Linked members in these standings become active on authorize. */
const ACTIVATABLE: readonly MemberStatus[] = ["imported", "invited", "deauthorized"];

/**
 * `POST /api/teams/:slug/authorize` (docs/http-api.md#members-and-access): idempotent. Members with an account become
 * active and get a short text notice; members without one become `invited` with a personal
 * invitation card; active members are left alone; locked and removed ones are skipped.
 */
export async function authorizeMembers(deps: Deps, caller: Caller, slug: string, input: unknown): Promise<AuthorizeResult> {
  const selector = parseSelector(input);
  const { team, binding } = await boundTeamFor(deps.db, caller, slug, "members.authorize");
  const targets = await selectMembers(deps, team.id, selector);
  const result: AuthorizeResult = {
    authorized: 0,
    invited: 0,
    alreadyActive: 0,
    alreadyInvited: 0,
    skipped: [],
    invalidUsers: [],
    reached: [],
  };
  if (selector.kind === "users") {
    const found = new Set(targets.map((m) => m.wecomUserKey));
    for (const key of selector.keys)
      if (!found.has(key)) result.skipped.push({ wecomUserId: selector.given.get(key) ?? key, reason: "not_found" });
  }

  const toActivate: MemberRow[] = [];
  const toInvite: MemberRow[] = [];
  for (const m of targets) {
    const userId = m.wecomUserId ?? m.wecomUserKey ?? "";
    if (m.status === "active") result.alreadyActive++;
    else if (m.status === "locked" || m.status === "removed") result.skipped.push({ wecomUserId: userId, reason: m.status });
    else if (m.deprovisionedAt) result.skipped.push({ wecomUserId: userId, reason: "deprovisioned" });
    else if (m.accountId !== null) toActivate.push(m);
    else toInvite.push(m);
  }

  let api: WecomApi | undefined;
  const wecom = () => (api ??= teamApi(deps, binding));
  const invalid = new Set<string>();

  const activated = await activate(deps, caller, team.id, toActivate);
  result.authorized = activated.length;
  for (const m of activated) result.reached.push({ wecomUserId: m.wecomUserId ?? m.wecomUserKey ?? "", name: m.name });
  for (let i = 0; i < activated.length; i += BATCH) {
    const batch = activated
      .slice(i, i + BATCH)
      .map((m) => m.wecomUserId ?? "")
      .filter((u) => u !== "");
    if (batch.length === 0) continue;
    try {
      const sent = await wecom().sendMessage(authorizedNotice({ touser: batch, teamName: team.name }));
      for (const u of sent.invalidUsers) invalid.add(u);
    } catch (err) {
      // The standing changed either way; a lost notice is not worth failing the request for.
      if (err instanceof WecomApiError && err.errcode === 81013) for (const u of batch) invalid.add(userKey(u));
      else deps.logger.warn("authorized notice not sent", { slug, error: err });
    }
  }

  for (const m of toInvite) {
    const decision = await decideInvitation(deps, { teamId: team.id, memberId: m.id, caller, reuseOpen: true });
    const userId = m.wecomUserId ?? m.wecomUserKey ?? "";
    switch (decision.kind) {
      case "not_invitable":
        if (decision.reason === "already_active") result.alreadyActive++;
        else result.skipped.push({ wecomUserId: userId, reason: decision.reason });
        break;
      case "rate_limited":
        result.skipped.push({ wecomUserId: userId, reason: "rate_limited" });
        break;
      case "already_invited":
        result.alreadyInvited++;
        if (decision.invitation.delivery === "invalid_user") invalid.add(userKey(userId));
        break;
      case "created": {
        result.invited++;
        result.reached.push({ wecomUserId: userId, name: m.name });
        const outcome = await deliverInvitation(deps, {
          api: wecom(),
          invitation: decision.invitation,
          token: decision.token,
          userId,
          teamName: team.name,
        });
        if (outcome.delivery === "invalid_user") invalid.add(userKey(userId));
        if (outcome.delivery === "failed") result.skipped.push({ wecomUserId: userId, reason: "send_failed" });
        break;
      }
    }
  }
  result.invalidUsers = [...invalid].sort();
  deps.logger.info("members authorized", {
    slug,
    authorized: result.authorized,
    invited: result.invited,
    alreadyActive: result.alreadyActive,
    skipped: result.skipped.length,
  });
  return result;
}

/** What an authorize would do, before anything is sent: for the console's confirmation page. */
export interface AuthorizePreview {
  /** Members in scope (with a WeCom userid), whatever their standing. */
  total: number;
  /** Linked to an account: they become active at once. */
  willActivate: number;
  /** No account yet: each gets an invitation card (or keeps the open one). */
  willInvite: number;
  alreadyActive: number;
  /** Locked, removed or gone from WeCom: left alone. */
  skipped: number;
  /** The first few who would get access or an invitation, by name, in id order. */
  sample: { name: string; wecomUserId: string }[];
}

const PREVIEW_SAMPLE = 10;

/** The same selection and standings as authorizeMembers, read only. */
export async function previewAuthorize(deps: Deps, caller: Caller, slug: string, input: unknown): Promise<AuthorizePreview> {
  const selector = parseSelector(input);
  const { team } = await boundTeamFor(deps.db, caller, slug, "members.authorize");
  const targets = await selectMembers(deps, team.id, selector);
  const out: AuthorizePreview = { total: targets.length, willActivate: 0, willInvite: 0, alreadyActive: 0, skipped: 0, sample: [] };
  for (const m of targets) {
    if (m.status === "active") out.alreadyActive++;
    else if (m.status === "locked" || m.status === "removed" || m.deprovisionedAt) out.skipped++;
    else {
      if (m.accountId !== null) out.willActivate++;
      else out.willInvite++;
      if (out.sample.length < PREVIEW_SAMPLE) out.sample.push({ name: m.name, wecomUserId: m.wecomUserId ?? m.wecomUserKey ?? "" });
    }
  }
  return out;
}

/** Linked members → active, in one transaction; only rows still in an activatable standing change. */
async function activate(deps: Deps, caller: Caller, teamId: number, list: MemberRow[]): Promise<MemberRow[]> {
  if (list.length === 0) return [];
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const changed: MemberRow[] = [];
    for (let i = 0; i < list.length; i += BATCH) {
      const ids = list.slice(i, i + BATCH).map((m) => m.id);
      const before = new Map(list.slice(i, i + BATCH).map((m) => [m.id, m.status]));
      const rows = await tx
        .update(members)
        .set({ status: "active", updatedAt: now })
        .where(
          and(
            eq(members.teamId, teamId),
            inArray(members.id, ids),
            inArray(members.status, [...ACTIVATABLE]),
            isNotNull(members.accountId),
          ),
        )
        .returning();
      changed.push(...rows);
      // An account already links them: any pending invitation link is moot.
      await revokeOpenOf(tx, { memberIds: rows.map((m) => m.id), at: now });
      await appendAudit(
        tx,
        rows.map((m) =>
          auditEntry({
            teamId,
            at: now,
            initiator: "admin",
            actor: callerLabel(caller),
            action: "member.authorized",
            subjectType: "member",
            subjectId: m.id,
            before: { status: before.get(m.id) ?? null },
            after: { status: "active" },
          }),
        ),
      );
    }
    return changed;
  });
}

async function selectMembers(deps: Deps, teamId: number, selector: Selector): Promise<MemberRow[]> {
  const base = and(eq(members.teamId, teamId), isNotNull(members.wecomUserKey));
  if (selector.kind === "users") {
    const out: MemberRow[] = [];
    for (let i = 0; i < selector.keys.length; i += BATCH) {
      out.push(
        ...(await deps.db
          .select()
          .from(members)
          .where(and(base, inArray(members.wecomUserKey, selector.keys.slice(i, i + BATCH))))
          .orderBy(members.id)),
      );
    }
    return out;
  }
  const all = await deps.db.select().from(members).where(base).orderBy(members.id);
  if (selector.kind === "all") return all;
  const tree = await teamDepartments(deps.db, { teamId });
  if (!tree.some((d) => d.id === selector.id)) {
    throw new AppError("validation_failed", "输入有误 / Some fields are invalid", [
      { field: "departmentId", message: "部门不存在 / no such department" },
    ]);
  }
  const children = new Map<number, number[]>();
  for (const d of tree) if (d.id !== d.parentId) children.set(d.parentId, [...(children.get(d.parentId) ?? []), d.id]);
  const subtree = new Set<number>();
  const stack = [selector.id];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (subtree.has(id)) continue;
    subtree.add(id);
    stack.push(...(children.get(id) ?? []));
  }
  return all.filter((m) => m.departmentIds.some((d) => subtree.has(d)));
}

function parseSelector(input: unknown): Selector {
  const { wecomUserIds, departmentId } = parseInput(AuthorizeInput, input);
  if (wecomUserIds != null) {
    const map = new Map<string, string>();
    for (const u of wecomUserIds) if (!map.has(userKey(u.trim()))) map.set(userKey(u.trim()), u.trim());
    return { kind: "users", keys: [...map.keys()], given: map };
  }
  if (departmentId != null) return { kind: "department", id: departmentId };
  return { kind: "all" };
}
