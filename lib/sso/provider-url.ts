import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import type { CustomFetch } from "openid-client";

/**
 * KEYWARD_SSO_ALLOW_HTTP_ISSUER=1 (tests, local development only) lets an issuer use plain http and live on a
 * loopback or private address. Production leaves it unset: https only, public addresses only.
 */
export function devIssuersAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.KEYWARD_SSO_ALLOW_HTTP_ISSUER === "1";
}

export class ProviderUrlRefused extends Error {}

/**
 * Every address Keyward fetches from a provider (discovery, keys, token endpoint) passes here first: the issuer is
 * typed in by an organization's admin, so without this check it would make the server fetch internal addresses
 * (SSRF). Names are resolved and every address must be public unicast. (A name that resolves differently between
 * this check and the fetch could still slip through; an egress proxy is the complete answer for that.)
 */
export async function checkProviderUrl(url: URL, allowDev = devIssuersAllowed()): Promise<void> {
  if (url.protocol !== "https:" && !(allowDev && url.protocol === "http:")) throw new ProviderUrlRefused("The provider must use https");
  if (url.username || url.password) throw new ProviderUrlRefused("The address must not contain a user name or password");
  if (allowDev) return;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw new ProviderUrlRefused("The provider's host name does not resolve");
    }
  }
  for (const address of addresses) {
    let parsed = ipaddr.parse(address);
    if (parsed.kind() === "ipv6" && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
    if (parsed.range() !== "unicast") throw new ProviderUrlRefused("The provider must be on a public address, not a private or local one");
  }
}

/** openid-client's fetch: checks each address, follows no redirect (a redirect could lead to a private address). */
export function guardedFetch(allowDev = devIssuersAllowed()): CustomFetch {
  return async (url, options) => {
    await checkProviderUrl(new URL(url), allowDev);
    return fetch(url, { ...options, body: options.body as BodyInit | undefined, redirect: "manual" });
  };
}
