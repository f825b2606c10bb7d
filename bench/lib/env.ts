import { DEFAULT_AGENT_ID, DEFAULT_APP_SECRET, DEFAULT_CORP_ID } from "../../src/emulator";

/** An integer option from the environment, at least `least`; a bad value stops the benchmark. */
export function envInt(name: string, fallback: number, least = 1): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < least) throw new Error(`${name} must be an integer ≥ ${least}, got ${JSON.stringify(raw)}`);
  return n;
}

/** The team's binding to the emulator's default app, with a callback token and key of the benchmarks' own. */
export const EMULATOR_BINDING = {
  corpId: DEFAULT_CORP_ID,
  agentId: DEFAULT_AGENT_ID,
  secret: DEFAULT_APP_SECRET,
  token: "benchToken0123456789abcdefABCDEF",
  encodingAesKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
};
