import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import type { Actor } from "../actor";
import { teamFor } from "./team-lookup";

/** Departments and member departments are WeCom's once bound (docs/sync.md#read-only-structure): always refused. */
export async function refuseStructureChange(deps: Deps, actor: Actor, slug: string): Promise<never> {
  const found = await teamFor(deps.db, actor, slug, "members.manage");
  if (found.binding) {
    throw new AppError(
      "managed_by_wecom",
      "部门和成员所属部门由企业微信管理，请在企业微信中修改后刷新 / Departments and member departments are managed in WeCom: change them there, then refresh",
    );
  }
  throw new AppError("not_bound", "部门来自企业微信，请先绑定 / Departments come from WeCom: bind it first");
}
