import { z } from "zod";
import type { checkReadiness } from "../../services/health/readiness";
import type { collectStats } from "../../services/ops/stats";
import { bodyOf } from "./body-of";

/** `GET /healthz`. */
export const Alive = z.object({ ok: z.literal(true) });

/** `GET /readyz`: how many migrations are applied. */
export const Ready = z.object({
  ok: z.literal(true),
  ...bodyOf<Awaited<ReturnType<typeof checkReadiness>>>()(z.object({ migrations: z.number().int() })).shape,
});

const counts = z.record(z.string(), z.number().int());

/** `GET /api/operator/stats`: the counts behind /metrics. */
export const Stats = bodyOf<Awaited<ReturnType<typeof collectStats>>>()(
  z.object({
    at: z.iso.datetime(),
    teams: z.array(
      z.object({
        slug: z.string(),
        callbacks: counts.describe("by inbox status"),
        inboxOldestPendingSeconds: z.number().nullable(),
        members: counts.describe("by member status"),
        jobs: counts.describe("by job state"),
      }),
    ),
    wecomBudget: z.array(
      z.object({
        corpId: z.string(),
        api: z.string(),
        window: z.enum(["minute", "hour"]),
        calls: z.number().int(),
        limit: z.number().int(),
      }),
    ),
  }),
);

/** `GET /api/openapi.json`: this description (OpenAPI 3.1). */
export const OpenApiDocument = z.looseObject({
  openapi: z.string(),
  info: z.looseObject({ title: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});
