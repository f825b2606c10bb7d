import { z } from "zod";
import type { lockMember } from "../../services/access/lock-member";
import type { setMemberRole } from "../../services/access/set-member-role";
import type { JobView } from "../../services/directory/job-view";
import type { getPolicy } from "../../services/directory/policy";
import type { readAudit } from "../../services/directory/read-audit";
import type { DepartmentView, listTeamMembers, MemberView } from "../../services/directory/read-directory";
import type { listStaged } from "../../services/directory/read-jobs";
import { bodyOf } from "./body-of";

const id = z.number().int();
const initiator = z.enum(["admin", "callback", "schedule", "system", "member"]);
export const memberStatus = z.enum(["imported", "invited", "active", "locked", "deauthorized", "removed"]);
export const memberRole = z.enum(["owner", "admin", "member"]);
const tally = <K extends string>(keys: readonly [K, ...K[]]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.number().int()])) as Record<K, z.ZodNumber>);

/** A sync job (docs/http-api.md#jobs). */
export const Job = bodyOf<JobView>()(
  z.object({
    id,
    state: z.enum(["queued", "running", "needs_confirmation", "succeeded", "failed", "cancelled"]),
    initiator,
    progress: z.object({
      phase: z.enum(["queued", "scope", "departments", "members", "plan", "verify", "apply", "deprovision", "done"]),
      done: z.number().int(),
      total: z.number().int(),
    }),
    counts: z.object({
      departments: tally(["created", "updated", "moved", "deleted"]),
      members: tally(["created", "updated", "moved", "deprovisioned"]),
    }),
    partial: z.boolean(),
    breaker: z.object({ deprovisions: z.number().int(), threshold: z.number().int(), active: z.number().int() }).optional(),
    skippedDeprovisions: z.string().optional(),
    error: z.object({ code: z.string(), message: z.string(), errcode: z.number().int().optional(), api: z.string().optional() }).optional(),
    estimate: z
      .object({ seconds: z.number().int(), bound: z.enum(["pace", "budget"]), callsPerMinute: z.number().int() })
      .optional()
      .describe("While the members phase runs: how long it still needs, and whether its pace or the WeCom call budget bounds it"),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
  }),
);

/** `POST …/sync`. */
export const SyncStarted = z.object({ job: Job, progressUrl: z.string() });

/** `GET …/jobs`. */
export const JobList = z.object({ items: z.array(Job) });

/** `GET …/jobs/:id/staged`. */
export const StagedPage = bodyOf<Awaited<ReturnType<typeof listStaged>>>()(
  z.object({
    items: z.array(
      z.object({
        memberId: id,
        wecomUserId: z.string().nullable(),
        name: z.string(),
        status: z.string(),
        role: z.string().nullable(),
        reason: z.string(),
      }),
    ),
    nextCursor: id.nullable(),
  }),
);

/** `GET`/`PUT …/policy`. */
export const Policy = bodyOf<Awaited<ReturnType<typeof getPolicy>>>()(
  z.object({ onMemberDeleted: z.enum(["remove", "lock", "deauthorize"]) }),
);

/** `GET …/departments`. */
export const Departments = z.object({
  items: z.array(bodyOf<DepartmentView>()(z.object({ id, name: z.string(), parentId: id, order: z.number().int() }))),
});

export const memberFields = {
  id,
  wecomUserId: z.string().nullable(),
  name: z.string(),
  departmentIds: z.array(id),
  status: memberStatus,
  accountId: id.nullable(),
};

/** A mirrored member: `…/restore`, `…/unlock`. */
export const Member = bodyOf<MemberView>()(z.object(memberFields));

/** `…/lock`: the member and their role in the team. */
export const LockedMember = bodyOf<Awaited<ReturnType<typeof lockMember>>>()(z.object({ ...memberFields, role: memberRole.nullable() }));

/** `GET …/members`: a page, the cursor of the next one and the count of all matches (`totalAtLeast` only where a caller capped the count; the API does not). */
export const MemberPage = bodyOf<Awaited<ReturnType<typeof listTeamMembers>>>()(
  z.object({
    items: z.array(Member),
    nextCursor: z.string().nullable(),
    total: z.number().int(),
    totalAtLeast: z.literal(true).optional(),
  }),
);

/** `PUT …/members/:id/role`. */
export const RoleChange = bodyOf<Awaited<ReturnType<typeof setMemberRole>>>()(
  z.object({ id, name: z.string(), accountId: id.nullable(), before: memberRole.nullable(), role: memberRole, changed: z.boolean() }),
);

/** `GET …/audit`. */
export const AuditPage = bodyOf<Awaited<ReturnType<typeof readAudit>>>()(
  z.object({
    items: z.array(
      z.object({
        id,
        at: z.iso.datetime(),
        initiator,
        actor: z.string().nullable(),
        actorName: z
          .object({ kind: z.enum(["account", "wecom_user"]), handle: z.string(), name: z.string().nullable(), memberId: id.nullable() })
          .nullable(),
        action: z.string(),
        subjectType: z.string(),
        subjectId: z.string(),
        jobId: id.nullable(),
        before: z.unknown(),
        after: z.unknown(),
        observedAt: z.string().nullable(),
      }),
    ),
    nextCursor: z.string().nullable(),
  }),
);
