import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

export interface ReceivedWebhook {
  id: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The parsed body, only when the signature verified with the endpoint's secret (Standard Webhooks' own library). */
  verified: { type: string; timestamp: string; data: Record<string, unknown> } | null;
  status: number;
}

/**
 * A real HTTP receiver on 127.0.0.1 that checks every request's signature with the standardwebhooks library and
 * answers with the next status of `answers` (then 200), or a redirect for "302".
 */
export async function startReceiver() {
  const received: ReceivedWebhook[] = [];
  const answers: number[] = [];
  let secret = "";
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let verified: ReceivedWebhook["verified"] = null;
      try {
        verified = new Webhook(secret).verify(body, req.headers as Record<string, string>) as ReceivedWebhook["verified"];
      } catch {
        verified = null;
      }
      const status = answers.shift() ?? 200;
      received.push({ id: String(req.headers["webhook-id"]), headers: req.headers, body, verified, status });
      if (status >= 300 && status < 400) res.writeHead(status, { location: `http://127.0.0.1:${port}/elsewhere` });
      else res.writeHead(status);
      res.end(status >= 200 && status < 300 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answers,
    setSecret(value: string) {
      secret = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
