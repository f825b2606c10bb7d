// The WeCom emulator for bench/import.ts in a Node process of its own, so it never shares the
// service's process (whose VmHWM is measured) nor the bench's event loop (which runs the baseline's
// fetches). A generated org from BENCH_EMU_DEPARTMENTS / BENCH_EMU_USERS / BENCH_EMU_SEED, the
// emulator's default app (visible to department 1, i.e. the whole org) and no rate limits.
// Logs the same `{"msg":"listening","port":…}` line as the service (bench/lib/child.ts waits for
// it), with how long the org took to generate; SIGTERM → close → exit 0. Not a benchmark itself.
// `POST /_bench/drive` (a DriveRequest) runs a plan of contact changes here, against the emulator
// in-process, and answers with what happened once every change was made (bench/lib/change-driver.ts).
import { performance } from "node:perf_hooks";
import { createEmulator } from "../../src/emulator";
import { driveChanges, type DriveAnswer, type DriveRequest } from "./change-driver";
import { nodeFetch } from "./node-fetch";

const num = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return n;
};

const t0 = performance.now();
const emulator = createEmulator({
  fetchCallback: nodeFetch,
  org: {
    generate: { departments: num("BENCH_EMU_DEPARTMENTS", 2000), users: num("BENCH_EMU_USERS", 100_000), seed: num("BENCH_EMU_SEED", 1) },
  },
});
const generatedMs = performance.now() - t0;
emulator.app.post("/_bench/drive", async (c) => {
  const origin = performance.now();
  const plan = await c.req.json<DriveRequest>();
  const result = await driveChanges((path, init) => emulator.fetch(path, init), plan.changes, { ...plan, origin });
  return c.json({ ...result, delivered: [...result.delivered] } satisfies DriveAnswer);
});
const server = await emulator.listen(num("PORT", 0), "127.0.0.1");
const port = Number(new URL(server.url).port);
process.stdout.write(
  `${JSON.stringify({
    t: new Date().toISOString(),
    level: "info",
    msg: "listening",
    port,
    departments: emulator.state.org.departments.size,
    users: emulator.state.org.users.size,
    generatedMs: Math.round(generatedMs),
  })}\n`,
);

process.once("SIGTERM", () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
