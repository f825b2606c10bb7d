import { z } from "zod";
import { upsertBinding } from "../../db/queries/bindings";
import type { Deps } from "../../deps";
import { isValidEncodingAesKey } from "../../wecom/crypto";
import type { WecomAgent } from "../../wecom/types";
import { wecomToAppError } from "../wecom-errors";
import type { Actor } from "../actor";
import { forgetCallbackKeys } from "../callbacks/callback-keys";
import { parseInput, text } from "../validate";
import { AdminUserIds } from "./admin-list";
import { bindingView, sealContext, type BindingView } from "./binding-view";
import { teamFor } from "../directory/team-lookup";

const DEPARTMENT_IDS = "部门 ID 列表（正整数，最多 1000 个）/ a list of department ids (positive integers, at most 1000)";
const AGENT_ID = "AgentId 必须是数字 / AgentId must be numeric";

/** `PUT /api/teams/:slug/wecom`: the self-built app's five values, and optionally who commands the bot and what to import. */
export const BindWecomInput = z.object({
  corpId: text(/^[A-Za-z0-9]{1,64}$/, "CorpID 为字母和数字，见“我的企业” / letters and digits, see My Company"),
  agentId: z.union([z.int().min(1).max(9_999_999_999), z.string().regex(/^[1-9]\d{0,9}$/)], { error: AGENT_ID }),
  secret: text(
    /^[A-Za-z0-9_-]{16,128}$/,
    "应为自建应用的 Secret（16–128 个字母、数字、_ 或 -）/ the self-built app's Secret (16–128 letters, digits, _ or -)",
  ),
  token: text(/^[A-Za-z0-9]{1,32}$/, "Token 为 1–32 个字母或数字 / Token is 1–32 letters or digits"),
  encodingAesKey: text(/^[A-Za-z0-9]{43}$/, "EncodingAESKey 为 43 个字母或数字 / EncodingAESKey is 43 letters or digits").refine(
    isValidEncodingAesKey,
    {
      error: "EncodingAESKey 无法解码为 32 字节 / does not decode to 32 bytes",
    },
  ),
  adminUserIds: AdminUserIds.nullish(),
  scopeDepartmentIds: z
    .array(
      z
        .int({ error: DEPARTMENT_IDS })
        .min(1, { error: DEPARTMENT_IDS })
        .max(2 ** 32 - 1, { error: DEPARTMENT_IDS }),
      { error: DEPARTMENT_IDS },
    )
    .max(1000, { error: DEPARTMENT_IDS })
    .nullish(),
});

export interface Visibility {
  departmentIds: number[];
  userIds: string[];
  tagIds: number[];
  /** The root department (1) is in range: the whole corp can be imported. */
  wholeCorp: boolean;
}

export type BindResult = BindingView & { visibility: Visibility; warnings: { code: string; message: string }[] };

/**
 * Checks the self-built app's credentials live (gettoken + agent/get) and only then stores them,
 * sealed (docs/http-api.md#binding). A failure stores nothing and answers 422
 * with WeCom's errcode and what to do.
 */
export async function bindWecom(deps: Deps, actor: Actor, slug: string, input: unknown): Promise<BindResult> {
  const {
    corpId,
    agentId: rawAgentId,
    secret,
    token,
    encodingAesKey,
    adminUserIds,
    scopeDepartmentIds,
  } = parseInput(BindWecomInput, input);
  const agentId = String(rawAgentId);

  const { team } = await teamFor(deps.db, actor, slug, "team.bind");
  const agent = await checkLive(deps, { corpId, agentId, secret });

  const seal = (value: string, field: "secret" | "token" | "aes_key") => deps.secrets.seal(value, sealContext(team.id, field));
  const row = await upsertBinding(deps.db, {
    teamId: team.id,
    corpId,
    agentId,
    secretSealed: seal(secret, "secret"),
    tokenSealed: seal(token, "token"),
    aesKeySealed: seal(encodingAesKey, "aes_key"),
    adminUserIds: adminUserIds ?? [],
    scopeDepartmentIds: scopeDepartmentIds && scopeDepartmentIds.length > 0 ? scopeDepartmentIds : null,
    now: deps.clock.now(),
  });
  forgetCallbackKeys(deps, slug);
  deps.logger.info("wecom bound", { slug, corpId, agentId, version: row.version });
  return { ...bindingView(deps, team, row), ...describeRange(deps, agent) };
}

async function checkLive(deps: Deps, creds: { corpId: string; agentId: string; secret: string }): Promise<WecomAgent> {
  try {
    const api = deps.wecom.for(creds);
    await api.getToken();
    return await api.getAgent();
  } catch (err) {
    throw wecomToAppError(err);
  }
}

/** The app's range as WeCom reports it, and what an admin should look at (bindWecom, readVisibility). */
export function describeRange(deps: Deps, agent: WecomAgent): Pick<BindResult, "visibility" | "warnings"> {
  const warnings: BindResult["warnings"] = [];
  const wholeCorp = agent.allowPartyIds.includes(1);
  if (agent.closed) {
    warnings.push({
      code: "app_disabled",
      message: "应用已被禁用，请在管理后台启用 / The app is disabled — enable it in the admin console",
    });
  }
  if (!wholeCorp) {
    warnings.push({
      code: "partial_visibility",
      message:
        "应用可见范围不含根部门，只能导入范围内的成员 / The app's visibility range lacks the root department: only members in range can be imported",
    });
  }
  if (agent.allowTagIds.length > 0) {
    warnings.push({ code: "tag_visibility", message: "按标签设置的可见范围暂不导入 / Members visible only through tags are not imported" });
  }
  const host = new URL(deps.config.publicUrl).host;
  if (agent.redirectDomain && agent.redirectDomain !== host) {
    warnings.push({
      code: "trusted_domain_mismatch",
      message: `请把 ${host} 设为应用的可信域名（当前 ${agent.redirectDomain}）/ Set ${host} as the app's trusted domain (now ${agent.redirectDomain})`,
    });
  }
  return {
    visibility: { departmentIds: agent.allowPartyIds, userIds: agent.allowUserIds, tagIds: agent.allowTagIds, wholeCorp },
    warnings,
  };
}
