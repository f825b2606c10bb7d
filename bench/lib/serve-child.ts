// How the bench's own servers (the baseline, the reference receiver) are served, the same way as
// the real service: @hono/node-server on 0.0.0.0:$PORT, the "listening" JSON line child.ts waits
// for, and SIGTERM → close → `stop()` → exit 0.
import { serve } from "@hono/node-server";

export function serveAsChild(fetch: (req: Request) => Response | Promise<Response>, stop: () => Promise<void> = async () => {}): void {
  const server = serve({ fetch, port: Number(process.env.PORT ?? 0), hostname: "0.0.0.0" });

  server.once("listening", () => {
    const addr = server.address();
    const port = typeof addr === "object" && addr ? addr.port : Number(process.env.PORT);
    process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), level: "info", msg: "listening", port })}\n`);
  });

  process.once("SIGTERM", () => {
    server.close(() => void stop().then(() => process.exit(0)));
  });
}
