import type { BindingRow } from "../../db/queries/teams";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { WecomApiError } from "../../wecom/api-error";
import { userKey } from "../directory/mirror-shape";
import { teamApi } from "../invitations/team-api";
import { wecomToAppError } from "../wecom-errors";

/** 40029 invalid code, 42003 code expired (docs/wecom.md#oauth-and-web-login): the person only needs to start again. */
const STALE_CODE = new Set([40029, 42003]);

export interface WecomIdentity {
  userId: string;
  /** Lower-cased: WeCom compares userids ignoring case (docs/wecom.md#userids). */
  userKey: string;
}

/**
 * Who an OAuth `code` belongs to, asked of the team's own app (auth/getuserinfo; a contact-sync
 * token cannot exchange codes). Someone outside the corp gets an openid and no userid: refused.
 */
export async function codeOwner(deps: Deps, binding: BindingRow, code: string): Promise<WecomIdentity> {
  if (typeof code !== "string" || code.length === 0 || code.length > 512) {
    throw new AppError("oauth_failed", "企业微信没有返回身份，请重新打开链接 / WeCom did not say who you are; open the link again");
  }
  let identity;
  try {
    identity = await teamApi(deps, binding).getUserInfo(code);
  } catch (err) {
    if (err instanceof WecomApiError && STALE_CODE.has(err.errcode)) {
      throw new AppError("oauth_failed", "企业微信登录已过期，请重新打开链接 / The WeCom sign-in expired; open the link again", undefined, {
        errcode: err.errcode,
        api: err.api,
      });
    }
    throw wecomToAppError(err);
  }
  if (identity.kind !== "member") {
    throw new AppError(
      "not_in_corp",
      "你不是该企业的成员，无法使用此链接 / You are not a member of this company in WeCom, so this link is not for you",
    );
  }
  return { userId: identity.userId, userKey: userKey(identity.userId) };
}
