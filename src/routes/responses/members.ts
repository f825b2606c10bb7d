import { z } from "zod";
import type { AddedMember } from "../../services/access/add-member";
import type { authorizeMembers } from "../../services/invitations/authorize";
import type { ResendResult } from "../../services/invitations/resend";
import type { ConfirmResult } from "../../services/match/confirm-match";
import type { matchMembers } from "../../services/match/match-members";
import { bodyOf } from "./body-of";
import { memberFields, memberRole } from "./directory";

const id = z.number().int();

/** `GET …/access`: the session's role in the team. */
export const AccessBody = z.object({ role: memberRole });

/** `POST …/members`: the member row that now carries the account. */
export const AddedMemberBody = z.object({
  member: bodyOf<AddedMember>()(z.object({ ...memberFields, role: memberRole })),
});

/** `POST …/authorize`. */
export const AuthorizeResult = bodyOf<Awaited<ReturnType<typeof authorizeMembers>>>()(
  z.object({
    authorized: z.number().int(),
    invited: z.number().int(),
    alreadyActive: z.number().int(),
    alreadyInvited: z.number().int(),
    skipped: z.array(z.object({ wecomUserId: z.string(), reason: z.string() })),
    invalidUsers: z.array(z.string()),
    reached: z.array(z.object({ wecomUserId: z.string(), name: z.string() })),
  }),
);

/** `POST …/members/:id/invitation`. */
export const ResendBody = bodyOf<ResendResult>()(
  z.object({
    invitation: z.object({
      id,
      memberId: id,
      expiresAt: z.iso.datetime(),
      delivery: z.string(),
      deliveryError: z.string().nullable(),
    }),
    invalidUsers: z.array(z.string()),
  }),
);

const linked = z.array(z.object({ memberId: id, accountId: id, by: z.enum(["name", "wecom", "userid", "email"]) }));

/** `POST …/match`. */
export const MatchResult = bodyOf<Awaited<ReturnType<typeof matchMembers>>>()(
  z.object({
    linked,
    suggested: z.array(
      z.object({
        memberId: id,
        wecomUserId: z.string().nullable(),
        name: z.string(),
        by: z.enum(["name", "userid", "email"]),
        accountId: id,
        username: z.string(),
      }),
    ),
    conflicts: z.array(
      z.object({
        memberId: id,
        wecomUserId: z.string().nullable(),
        name: z.string(),
        candidates: z.array(z.object({ accountId: id, username: z.string() })),
      }),
    ),
  }),
);

/** `POST …/match/confirm`. */
export const ConfirmMatchResult = bodyOf<ConfirmResult>()(
  z.object({
    linked,
    rejected: z.array(
      z.object({
        memberId: id,
        accountId: id,
        reason: z.enum([
          "duplicate",
          "member_not_found",
          "member_removed",
          "member_already_linked",
          "account_not_found",
          "account_already_linked",
          "no_longer_matches",
          "member_changed",
        ]),
      }),
    ),
  }),
);
