import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/** Where the receiver's 3xx answers point. */
export const REDIRECTED = "/redirected";

/** What the receiver does with the next request to a path: answer a status, never answer, or drop the connection. */
export type Behaviour = number | "hang" | "close";

export interface Received {
  path: string;
  id: string;
  /** Whether the independent `standardwebhooks` package accepted the signature and timestamp. */
  verified: boolean;
  answered: Behaviour;
  event: { type: string; timestamp: string; data: Record<string, unknown> };
}

/**
 * A local HTTP server playing the applications that receive webhooks. Each path has a secret
 * (to verify with) and a script of behaviours; when the script is used up it answers 200.
 */
export async function webhookReceiver() {
  const secrets = new Map<string, string>();
  const scripts = new Map<string, Behaviour[]>();
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const body = Buffer.concat(chunks).toString("utf8");
      const secret = secrets.get(path);
      let verified = false;
      if (secret) {
        try {
          new Webhook(secret).verify(body, req.headers as Record<string, string>);
          verified = true;
        } catch {
          verified = false;
        }
      }
      const answered = scripts.get(path)?.shift() ?? 200;
      received.push({ path, id: String(req.headers["webhook-id"]), verified, answered, event: JSON.parse(body) as Received["event"] });
      if (answered === "hang") return;
      if (answered === "close") return void req.socket.destroy();
      // A 3xx points at REDIRECTED, where a sender that followed it would be seen.
      const location = answered >= 300 && answered < 400 ? { location: REDIRECTED } : {};
      res
        .writeHead(answered, { "content-type": "text/plain", ...location })
        .end(answered >= 200 && answered < 300 ? "ok" : `answer ${answered}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    /** Registers a path's secret (to verify with) and what its next requests get. */
    expect(path: string, secret: string, script: Behaviour[] = []) {
      secrets.set(path, secret);
      scripts.set(path, [...script]);
    },
    at: (path: string) => received.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
