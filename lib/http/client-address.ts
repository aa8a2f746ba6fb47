import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import proxyaddr from "proxy-addr";

/**
 * KEYWARD_TRUSTED_PROXIES: CIDRs of reverse proxies whose X-Forwarded-For is believed. The address is found
 * by walking the header from the right past trusted proxies (proxy-addr), never by taking the leftmost entry.
 */
export function compileTrust(list = process.env.KEYWARD_TRUSTED_PROXIES || "") {
  const entries = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return proxyaddr.compile(entries);
}

let trust: ReturnType<typeof proxyaddr.compile> | undefined;

export function clientAddress(req: IncomingMessage): string {
  trust ??= compileTrust();
  return proxyaddr(req, trust);
}

export function isSecureRequest(req: IncomingMessage): boolean {
  if ((req.socket as TLSSocket).encrypted) return true;
  trust ??= compileTrust();
  const remote = req.socket.remoteAddress;
  const proto = req.headers["x-forwarded-proto"];
  return !!remote && trust(remote, 0) && typeof proto === "string" && proto.split(",")[0]?.trim() === "https";
}
