import { createHash } from "node:crypto";
import * as oidc from "openid-client";
import { devIssuersAllowed, guardedFetch } from "./provider-url";

export interface ProviderSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

const TTL_MS = 5 * 60_000;
const cache = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

function cacheKey(s: ProviderSettings) {
  return createHash("sha256")
    .update(JSON.stringify([s.issuer, s.clientId, s.clientSecret]))
    .digest("hex");
}

/**
 * The provider's discovered configuration (issuer checked against the document), cached for five minutes per
 * issuer, client and secret. Every request it makes goes through the SSRF guard; plain http only with the dev flag.
 */
export function providerConfiguration(s: ProviderSettings, { fresh = false } = {}): Promise<oidc.Configuration> {
  const key = cacheKey(s);
  const hit = cache.get(key);
  if (!fresh && hit && Date.now() - hit.at < TTL_MS) return hit.config;
  const allowDev = devIssuersAllowed();
  const config = oidc.discovery(new URL(s.issuer), s.clientId, s.clientSecret, undefined, {
    [oidc.customFetch]: guardedFetch(allowDev),
    execute: allowDev ? [oidc.allowInsecureRequests] : [],
    timeout: 10,
  });
  cache.set(key, { at: Date.now(), config });
  config.catch(() => cache.delete(key));
  return config;
}
