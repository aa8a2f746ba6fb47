import type { RequestMeta } from "../http/request-meta";

/**
 * This deployment's own origin, for the redirect URI registered at the provider: KEYWARD_PUBLIC_URL when set
 * (recommended behind a proxy), else the request's Host with its scheme.
 */
export function publicOrigin(host: string | null, meta: Pick<RequestMeta, "secure">, env: NodeJS.ProcessEnv = process.env): string {
  if (env.KEYWARD_PUBLIC_URL) return new URL(env.KEYWARD_PUBLIC_URL).origin;
  return new URL(`${meta.secure ? "https" : "http"}://${host ?? "127.0.0.1"}`).origin;
}
