// The baseline of bench/callback-ingest.ts: the callback route with nothing behind it, served the
// same way as the real service (serve-child.ts). Not a benchmark itself (bench/lib/).
import { Hono } from "hono";
import { serveAsChild } from "./serve-child";

const app = new Hono().post("/wecom/:slug/callback", (c) => c.body(null, 200));
serveAsChild(app.fetch);
