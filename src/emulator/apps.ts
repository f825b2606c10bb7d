// App and contact-sync secret configs from control-API input, with the defaults of a
// freshly created self-built app (visible to the whole corp, created after 2022-06-20).
import type { AppConfig, ContactSyncConfig } from "./types";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export type AppInput = Partial<AppConfig> & { agentId: number; secret: string };

export function normalizeApp(input: AppInput, base?: AppConfig): AppConfig {
  const merged = { ...base, ...input } as Partial<AppConfig>;
  if (!Number.isInteger(merged.agentId) || (merged.agentId ?? 0) < 1) throw new ConfigError("app.agentId must be a positive integer");
  if (typeof merged.secret !== "string" || merged.secret === "") throw new ConfigError(`app ${merged.agentId}: secret is required`);
  const ints = (v: unknown, what: string): number[] => {
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x)))
      throw new ConfigError(`app ${merged.agentId}: ${what} must be a list of integers`);
    return [...(v as number[])];
  };
  if (merged.allowUsers !== undefined && (!Array.isArray(merged.allowUsers) || !merged.allowUsers.every((x) => typeof x === "string"))) {
    throw new ConfigError(`app ${merged.agentId}: allowUsers must be a list of userids`);
  }
  const app: AppConfig = {
    agentId: merged.agentId as number,
    secret: merged.secret,
    name: typeof merged.name === "string" ? merged.name : `应用 ${merged.agentId}`,
    allowPartys: merged.allowPartys === undefined ? [1] : ints(merged.allowPartys, "allowPartys"),
    allowUsers: [...(merged.allowUsers ?? [])],
    allowTags: ints(merged.allowTags, "allowTags"),
    close: merged.close === 1 ? 1 : 0,
    restricted: merged.restricted ?? true,
  };
  if (typeof merged.redirectDomain === "string" && merged.redirectDomain !== "") app.redirectDomain = merged.redirectDomain;
  return app;
}

export function normalizeContactSync(input: Partial<ContactSyncConfig>): ContactSyncConfig {
  if (typeof input.secret !== "string" || input.secret === "") throw new ConfigError("contactSync.secret is required");
  return { secret: input.secret, newIp: input.newIp ?? true };
}
