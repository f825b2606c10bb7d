import type { BindingRow, TeamRow } from "../../db/queries/teams";
import type { Deps } from "../../deps";
import { mask } from "../../security/secret-box";

export interface BindingView {
  corpId: string;
  agentId: string;
  secret: string;
  token: string;
  encodingAesKey: string;
  adminUserIds: string[];
  scopeDepartmentIds: number[] | null;
  callbackUrl: string;
  updatedAt: string;
}

export function callbackUrl(deps: Pick<Deps, "config">, slug: string): string {
  return `${deps.config.publicUrl}/wecom/${encodeURIComponent(slug)}/callback`;
}

/** Secrets leave the server only masked (docs/http-api.md#binding). */
export function bindingView(deps: Pick<Deps, "config" | "secrets">, team: TeamRow, b: BindingRow): BindingView {
  const { secrets } = deps;
  return {
    corpId: b.corpId,
    agentId: b.agentId,
    secret: mask(secrets.open(b.secretSealed, sealContext(team.id, "secret"))),
    token: mask(secrets.open(b.tokenSealed, sealContext(team.id, "token"))),
    encodingAesKey: mask(secrets.open(b.aesKeySealed, sealContext(team.id, "aes_key"))),
    adminUserIds: b.adminUserIds,
    scopeDepartmentIds: b.scopeDepartmentIds ?? null,
    callbackUrl: callbackUrl(deps, team.slug),
    updatedAt: b.updatedAt.toISOString(),
  };
}

export type SealedField = "secret" | "token" | "aes_key";

export function sealContext(teamId: number, field: SealedField): string {
  return `wecom_bindings:${teamId}:${field}`;
}
