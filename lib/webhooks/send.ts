import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import ipaddr from "ipaddr.js";
import { signWebhook } from "./sign";
import { checkWebhookTarget, parseWebhookUrl, type Resolver } from "./ssrf";

// One signed POST to an endpoint (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature "v1,…").
// The host is resolved and checked here, at send time (DNS may have changed since the endpoint was saved), and the
// connection goes to an address that was checked — never a second lookup an attacker's DNS could answer
// differently. Redirects are not followed, the response is read up to a bound, and the whole exchange has a
// deadline.

export const RESPONSE_READ_LIMIT = 64 * 1024;

export interface WebhookMessage {
  id: string;
  type: string;
  timestamp: Date;
  data: unknown;
}

export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  /** Why it failed, for the delivery log: never the response body, never the secret. */
  error: string | null;
}

export interface SendOptions {
  allowPrivate: boolean;
  timeoutMs: number;
  resolve?: Resolver;
}

/** Standard Webhooks' body: the type, when it happened, and the event's payload. */
export function webhookBody(message: WebhookMessage): string {
  return JSON.stringify({ type: message.type, timestamp: message.timestamp.toISOString(), data: message.data });
}

function pinnedLookup(address: string): LookupFunction {
  const family = ipaddr.parse(address).kind() === "ipv6" ? 6 : 4;
  return ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as unknown as LookupFunction;
}

export async function sendWebhook(urlText: string, secret: string, message: WebhookMessage, options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let addresses: string[];
  let url: URL;
  try {
    url = parseWebhookUrl(urlText);
    addresses = await checkWebhookTarget(url, options.allowPrivate, options.resolve);
  } catch (error) {
    return { ok: false, statusCode: null, durationMs: elapsed(), error: (error as Error).message };
  }
  const body = webhookBody(message);
  const sentAt = new Date();
  const signature = signWebhook(secret, message.id, sentAt, body);
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;

  return new Promise<SendResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<SendResult, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      resolve({ ...result, durationMs: elapsed() });
    };
    const req = request(
      url,
      {
        method: "POST",
        lookup: pinnedLookup(addresses[0]),
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "user-agent": "Keyward-Webhooks/1",
          "webhook-id": message.id,
          "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
          "webhook-signature": signature,
        },
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          // The body is not kept; past the bound the answer is taken as it stands.
          if (read > RESPONSE_READ_LIMIT) done();
        });
        const done = () =>
          finish({
            ok: status >= 200 && status < 300,
            statusCode: status,
            error:
              status >= 200 && status < 300 ? null : status >= 300 && status < 400 ? `Redirect (${status}) not followed` : `HTTP ${status}`,
          });
        res.on("end", done);
        res.on("error", done);
      },
    );
    const deadline = setTimeout(
      () => finish({ ok: false, statusCode: null, error: `No answer within ${options.timeoutMs} ms` }),
      options.timeoutMs,
    );
    req.on("error", (error: NodeJS.ErrnoException) => finish({ ok: false, statusCode: null, error: error.code ?? error.message }));
    req.end(body);
  });
}
