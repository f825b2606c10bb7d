import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { inject } from "vitest";
import * as schema from "../../src/db/schema";
import type { Db } from "../../src/db/types";
import worker from "../../src/entry/worker";
import { OPERATOR, WORKER_BINDING } from "./env";

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

/**
 * One request through the Worker's fetch handler, as Cloudflare would make it; answers after the
 * body was read and every waitUntil (deferred work, closing the database) settled.
 */
export async function call(path: string, init: RequestInit = {}, envPatch: Record<string, unknown> = {}): Promise<Answer> {
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`https://roster.example.com${path}`, init), { ...env, ...envPatch }, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, headers: res.headers, text, json: <T>() => JSON.parse(text) as T };
}

/** An operator API call with a JSON body. */
export function api(method: string, path: string, body?: unknown): Promise<Answer> {
  return call(path, {
    method,
    headers: { ...OPERATOR, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** One cron trigger through the Worker's scheduled handler, waiting for all of its work. */
export async function trigger(cron: string, envPatch: Record<string, unknown> = {}): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ cron, scheduledTime: Date.now() }), { ...env, ...envPatch }, ctx);
  await waitOnExecutionContext(ctx);
}

/** The emulator's control API (Node, over HTTP); fails on a non-2xx answer. */
export async function emulator<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${inject("emulatorUrl")}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`emulator ${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Creates a team and binds it to the emulator's app through the Worker (credentials checked live). */
export async function bindTeam(slug: string): Promise<void> {
  const created = await api("POST", "/api/teams", { slug, name: `${slug} 团队` });
  if (created.status !== 201) throw new Error(`create team: ${created.status} ${created.text}`);
  const bound = await api("PUT", `/api/teams/${slug}/wecom`, WORKER_BINDING);
  if (bound.status !== 200) throw new Error(`bind: ${bound.status} ${bound.text}`);
}

/**
 * The tests' own look at the database, through the same Hyperdrive binding; like the Worker it
 * leaves closing the socket to the runtime (src/entry/worker.ts, porsager/postgres#1202).
 */
export function testDb(): Db {
  return drizzle(postgres(env.HYPERDRIVE.connectionString, { max: 1, prepare: false, onnotice: () => {} }), { schema });
}
