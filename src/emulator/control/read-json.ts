import type { Context } from "hono";
import { MutationError } from "../org/mutations";

/** Control-API bodies: empty → {}, bad JSON → 400. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MutationError(400, "invalid_json", "the body is not valid JSON");
  }
}

export function asRecord(v: unknown, what = "body"): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new MutationError(400, "invalid_body", `${what} must be a JSON object`);
  return v as Record<string, unknown>;
}
