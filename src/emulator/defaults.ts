// The state an emulator starts in (and returns to on a bare reset). Local-only credentials.
import type { AppConfig, ContactSyncConfig, GenerateSpec } from "./types";

export const DEFAULT_CORP_ID = "wwemu0000000001";
export const DEFAULT_AGENT_ID = 1000002;
/** 43 characters, like a real self-built app secret. */
export const DEFAULT_APP_SECRET = "emu-app-secret-0000000000000000000000000000";
export const DEFAULT_SYNC_SECRET = "emu-sync-secret-000000000000000000000000000";
/** gettoken's expires_in (docs/wecom.md#access-token: normally 7200). */
export const DEFAULT_TOKEN_TTL_SECONDS = 7200;
export const DEFAULT_ORG: GenerateSpec = { departments: 20, users: 200, seed: 1 };

export function defaultApps(): AppConfig[] {
  return [
    {
      agentId: DEFAULT_AGENT_ID,
      secret: DEFAULT_APP_SECRET,
      name: "团队同步 Roster",
      allowPartys: [1],
      allowUsers: [],
      allowTags: [],
      close: 0,
      restricted: true,
    },
  ];
}

/** From an IP added after 2022-08-15, as any new deployment would be (docs/wecom.md#which-secret). */
export function defaultContactSync(): ContactSyncConfig {
  return { secret: DEFAULT_SYNC_SECRET, newIp: true };
}
