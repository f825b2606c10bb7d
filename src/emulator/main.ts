/* eslint-disable no-restricted-properties -- emulator entry */
// `npm run emulator`: the WeCom emulator alone over HTTP. Point the service's WECOM_API_BASE,
// WECOM_OAUTH_BASE and WECOM_LOGIN_BASE at the printed URL.
//   EMULATOR_PORT (3100), EMULATOR_HOST (127.0.0.1), EMULATOR_ORG (JSON file {departments, users}) or
//   EMULATOR_DEPARTMENTS / EMULATOR_USERS / EMULATOR_SEED for a generated org,
//   EMULATOR_CALLBACK_URL + EMULATOR_CALLBACK_TOKEN + EMULATOR_CALLBACK_AES_KEY to push callbacks.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { createEmulator, DEFAULT_ORG, type CallbackTarget, type OrgSpec } from "./index";

export async function startEmulator(env: Record<string, string | undefined>): Promise<{ url: string; close(): Promise<void> }> {
  const int = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
    return n;
  };
  const org: OrgSpec = env.EMULATOR_ORG
    ? (JSON.parse(readFileSync(env.EMULATOR_ORG, "utf8")) as OrgSpec)
    : {
        generate: {
          departments: int("EMULATOR_DEPARTMENTS", DEFAULT_ORG.departments),
          users: int("EMULATOR_USERS", DEFAULT_ORG.users),
          seed: int("EMULATOR_SEED", DEFAULT_ORG.seed),
        },
      };
  const callback: CallbackTarget | undefined =
    env.EMULATOR_CALLBACK_URL && env.EMULATOR_CALLBACK_TOKEN && env.EMULATOR_CALLBACK_AES_KEY
      ? { url: env.EMULATOR_CALLBACK_URL, token: env.EMULATOR_CALLBACK_TOKEN, encodingAesKey: env.EMULATOR_CALLBACK_AES_KEY }
      : undefined;
  const emulator = createEmulator({ org, ...(callback ? { callback } : {}) });
  const server = await emulator.listen(int("EMULATOR_PORT", 3100), env.EMULATOR_HOST || "127.0.0.1");
  const s = emulator.state;
  const lines = [
    `WeCom emulator listening on ${server.url}`,
    `  WECOM_API_BASE=${server.url}  WECOM_OAUTH_BASE=${server.url}  WECOM_LOGIN_BASE=${server.url}`,
    `  corpId   ${s.corpId}`,
    ...[...s.apps.values()].map((a) => `  agentId  ${a.agentId}   secret ${a.secret}`),
    ...(s.contactSync ? [`  contact-sync secret ${s.contactSync.secret} (newIp: ${s.contactSync.newIp})`] : []),
    `  org      ${s.org.departments.size} departments, ${s.org.users.size} users`,
    `  control  ${server.url}/_emulator/state`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  return server;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const server = await startEmulator(process.env);
    // Every signal joins one close: Ctrl-C reaches npm and the emulator alike and npm forwards it again.
    let closing: Promise<void> | undefined;
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.on(signal, () => {
        (closing ??= server.close()).then(
          () => process.exit(0),
          () => process.exit(1),
        );
      });
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
