import { z } from "zod";
import type { callbackStats } from "../../services/callbacks/callback-stats";
import type { BindResult } from "../../services/teams/bind-wecom";
import type { BindingView } from "../../services/teams/binding-view";
import type { createTeam } from "../../services/teams/create-team";
import type { getBinding } from "../../services/teams/get-binding";
import { bodyOf } from "./body-of";

const masked = z.string().describe("masked: ********");

/** `POST /api/teams`. */
export const TeamBody = z.object({
  team: bodyOf<Awaited<ReturnType<typeof createTeam>>>()(
    z.object({ id: z.number().int(), slug: z.string(), name: z.string(), createdAt: z.iso.datetime() }),
  ),
});

const bindingFields = {
  corpId: z.string(),
  agentId: z.string(),
  secret: masked,
  token: masked,
  encodingAesKey: masked,
  adminUserIds: z.array(z.string()),
  scopeDepartmentIds: z.array(z.number().int()).nullable(),
  callbackUrl: z.string(),
  updatedAt: z.iso.datetime(),
};

/** A binding with its secrets masked: `PUT …/wecom/admins`. */
export const Binding = bodyOf<BindingView>()(z.object(bindingFields));

/** `PUT …/wecom`: the binding, the app's visibility range and what to look at. */
export const BindResultBody = bodyOf<BindResult>()(
  z.object({
    ...bindingFields,
    visibility: z.object({
      departmentIds: z.array(z.number().int()),
      userIds: z.array(z.string()),
      tagIds: z.array(z.number().int()),
      wholeCorp: z.boolean(),
    }),
    warnings: z.array(z.object({ code: z.string(), message: z.string() })),
  }),
);

/** `GET …/wecom`. */
export const BindingState = bodyOf<Awaited<ReturnType<typeof getBinding>>>()(
  z.union([z.object({ bound: z.literal(true), ...bindingFields }), z.object({ bound: z.literal(false), callbackUrl: z.string() })]),
);

/** `GET …/callbacks/stats`. */
export const CallbackStats = bodyOf<Awaited<ReturnType<typeof callbackStats>>>()(
  z.object({
    received: z.number().int(),
    processed: z.number().int(),
    ignored: z.number().int(),
    pending: z.number().int(),
    dead: z.number().int(),
  }),
);
