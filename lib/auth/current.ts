import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { db } from "../db";
import { requestMetaFrom } from "../http/request-meta";
import { isInstalled } from "../setup/bootstrap";
import { loginPath, REQUEST_PATH_HEADER } from "./next-path";
import { can, type Permission } from "./permissions";
import { loadSessionContext, type SessionContext } from "./session-context";
import { readSessionCookie } from "./session-cookie";

export type { SessionContext } from "./session-context";

/** The signed-in user and their active organization, once per request; null when signed out. */
export const getSessionContext = cache(async (): Promise<SessionContext | null> => {
  return loadSessionContext(db, await readSessionCookie());
});

export const TWO_FACTOR_SETUP_PATH = "/two-factor/setup";

/**
 * For pages: leads to /setup before first run, to /login when signed out (and back to the page after signing in),
 * to the second-factor setup when the organization requires one the member lacks, and 403 without the permission.
 */
export async function requirePageContext(permission?: Permission): Promise<SessionContext> {
  if (!(await isInstalled(db))) redirect("/setup");
  const ctx = await getSessionContext();
  if (!ctx) redirect(loginPath((await headers()).get(REQUEST_PATH_HEADER)));
  if (ctx.secondFactorRequired) redirect(TWO_FACTOR_SETUP_PATH);
  if (permission && !can(ctx.role, permission)) forbidden();
  return ctx;
}

export async function currentRequestMeta() {
  return requestMetaFrom(await headers());
}
