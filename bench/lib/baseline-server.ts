// The baseline of bench/callback-ingest.ts: the callback route with nothing behind it, served the
// same way as the real service (@hono/node-server in its own Node process, same bind address,
// same "listening" JSON line, SIGTERM → close → exit 0). Not a benchmark itself (bench/lib/).
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono().post("/wecom/:slug/callback", (c) => c.body(null, 200));
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: "0.0.0.0" });

server.once("listening", () => {
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : Number(process.env.PORT);
  process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), level: "info", msg: "listening", port })}\n`);
});

process.once("SIGTERM", () => {
  server.close(() => process.exit(0));
});
