import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

// Where a webhook may be sent. Only globally routable unicast addresses: no loopback, private (RFC 1918, IPv6
// unique-local), link-local (cloud metadata at 169.254.169.254), CGNAT (100.64/10, Alibaba's metadata), reserved,
// multicast or unspecified addresses, nor the IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4,
// Teredo), which could smuggle any of those. An admin may allow private targets for the organization.

export const WEBHOOK_URL_REFUSED = "WEBHOOK_URL_REFUSED";

export class WebhookTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookTargetError";
  }
}

/** Whether one address is a public unicast address (ipaddr.js's special ranges say which are not). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  return parsed.range() === "unicast";
}

/** The URL parsed and checked for shape: http(s), a host, no user name or password in it. */
export function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new WebhookTargetError("Enter a full URL, such as https://example.com/webhooks");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new WebhookTargetError("The URL must start with https:// or http://");
  if (url.username || url.password) throw new WebhookTargetError("The URL must not contain a user name or password");
  if (!url.hostname) throw new WebhookTargetError("The URL needs a host");
  return url;
}

function hostOf(url: URL): string {
  // URL keeps IPv6 literals in brackets.
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

export type Resolver = (host: string) => Promise<string[]>;

const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Resolves the URL's host and returns its addresses, refusing unless every one is public (or private targets are
 * allowed). Every address: a name that resolves to one public and one private address would let the connection
 * pick the private one.
 */
export async function checkWebhookTarget(url: URL, allowPrivate: boolean, resolve: Resolver = systemResolver): Promise<string[]> {
  const host = hostOf(url);
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new WebhookTargetError(`The host ${host} could not be resolved`);
    }
    if (addresses.length === 0) throw new WebhookTargetError(`The host ${host} could not be resolved`);
  }
  if (!allowPrivate) {
    const refused = addresses.find((a) => !isPublicAddress(a));
    if (refused !== undefined) {
      throw new WebhookTargetError(
        `The URL resolves to ${refused}, a loopback, private, link-local or reserved address; an admin can allow private targets in the webhook settings`,
      );
    }
  }
  return addresses;
}
