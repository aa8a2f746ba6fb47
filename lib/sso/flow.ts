import { createHash } from "node:crypto";
import { sameText } from "../crypto/same-text";
import * as oidc from "openid-client";
import { z } from "zod";
import { recordAudit, type AuditActor } from "../audit";
import { recordRefusal } from "../audit-refusals";
import { DomainError } from "../errors";
import { recordEvent } from "../events/record";
import { safeNextPath } from "../auth/next-path";
import { isRole } from "../auth/permissions";
import { createSession, hashSessionToken } from "../auth/sessions";
import type { Db } from "../db/client";
import type { RequestMeta } from "../http/request-meta";
import { newId } from "../ids";
import type { SsoStartInput } from "../validations/sso";
import { providerConfiguration } from "./provider";
import type { SsoErrorCode } from "./refusals";
import { unsealText, sealText } from "./sealed";
import { parseStoredDomains } from "./settings";

type Meta = Pick<RequestMeta, "ip" | "userAgent">;
type SsoConfigRow = NonNullable<Awaited<ReturnType<Db["ssoConfig"]["findUnique"]>>>;

export const SSO_LOGIN_TTL_MS = 10 * 60_000;
export const SSO_SCOPES = "openid email profile";
export const SSO_CALLBACK_PATH = "/sso/callback";

export class SsoRefusal extends Error {
  constructor(
    readonly code: SsoErrorCode,
    readonly reason: string,
    readonly orgId?: string,
    readonly email?: string,
  ) {
    super(reason);
  }
}

const hashState = (state: string) => createHash("sha256").update(state).digest("hex");

function identifierError(message: string): never {
  throw new DomainError("VALIDATION", message, { identifier: message });
}

/** The organization a work email's domain (or an organization ID) signs in with. */
async function findSsoOrg(db: Db, identifier: string): Promise<SsoConfigRow> {
  let matches: SsoConfigRow[];
  if (identifier.includes("@")) {
    const domain = identifier.slice(identifier.lastIndexOf("@") + 1);
    const configs = await db.ssoConfig.findMany({ where: { enabled: true } });
    matches = configs.filter((c) => parseStoredDomains(c.allowedDomains).includes(domain));
  } else {
    const org = await db.organization.findUnique({ where: { slug: identifier }, include: { ssoConfig: true } });
    matches = org?.ssoConfig?.enabled ? [org.ssoConfig] : [];
  }
  if (matches.length === 0)
    identifierError("No organization signs in with SSO for this. Enter your organization's ID, or sign in with your password.");
  if (matches.length > 1) identifierError("Several organizations sign in with SSO for this domain: enter your organization's ID instead.");
  return matches[0];
}

function providerOf(config: SsoConfigRow) {
  return providerConfiguration({ issuer: config.issuer, clientId: config.clientId, clientSecret: unsealText(config.clientSecretEnc) });
}

/**
 * Starts an authorization code flow with PKCE, state and nonce. The verifier and nonce stay on the server (sealed,
 * in a row found by the state's hash); the browser gets the state in an HttpOnly cookie (set by the caller) and in
 * the provider's URL, as the protocol requires.
 */
export async function startSso(db: Db, input: SsoStartInput, origin: string, now = new Date()): Promise<{ url: string; state: string }> {
  const config = await findSsoOrg(db, input.identifier);
  let provider: oidc.Configuration;
  try {
    provider = await providerOf(config);
  } catch {
    throw new DomainError("CONFLICT", "Your organization's sign-in provider is not answering. Try again, or ask an admin.");
  }
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const verifier = oidc.randomPKCECodeVerifier();
  const redirectUri = new URL(SSO_CALLBACK_PATH, origin).href;
  const url = oidc.buildAuthorizationUrl(provider, {
    redirect_uri: redirectUri,
    scope: SSO_SCOPES,
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    ...(input.identifier.includes("@") ? { login_hint: input.identifier } : {}),
  });
  await db.ssoLogin.deleteMany({ where: { expiresAt: { lt: now } } });
  await db.ssoLogin.create({
    data: {
      id: hashState(state),
      orgId: config.orgId,
      checksEnc: sealText(JSON.stringify({ verifier, nonce })),
      redirectUri,
      nextPath: safeNextPath(input.next),
      createdAt: now,
      expiresAt: new Date(now.getTime() + SSO_LOGIN_TTL_MS),
    },
  });
  return { url: url.href, state };
}

function describe(error: unknown): string {
  if (error instanceof oidc.ResponseBodyError) return `token endpoint: ${error.error}`.slice(0, 200);
  if (error instanceof oidc.AuthorizationResponseError) return `authorization response: ${error.error}`.slice(0, 200);
  if (error instanceof Error) {
    // openid-client wraps oauth4webapi's error, which names the claim that failed (iss, aud, nonce, exp…) in its cause.
    const inner = error.cause instanceof Error ? error.cause : error;
    const claim = (inner.cause as { claim?: unknown } | undefined)?.claim;
    return `${error.message}${inner !== error ? `: ${inner.message}` : ""}${typeof claim === "string" ? ` (${claim})` : ""}`.slice(0, 200);
  }
  return "unknown error";
}

const emailClaim = z.email().max(254);

export interface SsoSignIn {
  token: string;
  expiresAt: Date;
  userId: string;
  orgId: string;
  next: string | null;
}

/**
 * The callback: the state must be this browser's (cookie) and unused (its row is deleted on first use); then
 * openid-client checks the response, exchanges the code with the PKCE verifier and validates the ID token
 * (signature, issuer, audience, nonce, expiry). The person is matched by verified email only.
 */
async function complete(db: Db, callbackUrl: URL, stateCookie: string | undefined, meta: Meta, now: Date): Promise<SsoSignIn> {
  const state = callbackUrl.searchParams.get("state");
  if (!state || !stateCookie || state.length > 512 || !sameText(state, stateCookie))
    throw new SsoRefusal("state", "state missing or not this browser's");
  const id = hashState(state);
  const login = await db.ssoLogin.findUnique({ where: { id } });
  // Good once: the delete that succeeds is the one that may continue; a replay finds nothing.
  const consumed = login ? (await db.ssoLogin.deleteMany({ where: { id } })).count : 0;
  if (!login || consumed !== 1 || login.expiresAt <= now) throw new SsoRefusal("state", "state unknown, already used or expired");
  const orgId = login.orgId;
  const config = await db.ssoConfig.findUnique({ where: { orgId } });
  if (!config?.enabled) throw new SsoRefusal("disabled", "single sign-on is turned off", orgId);
  const providerError = callbackUrl.searchParams.get("error");
  if (providerError) throw new SsoRefusal("provider", `the provider answered ${providerError.slice(0, 100)}`, orgId);

  const { verifier, nonce } = JSON.parse(unsealText(login.checksEnc)) as { verifier: string; nonce: string };
  const current = new URL(login.redirectUri);
  current.search = callbackUrl.search;
  let claims: oidc.IDToken | undefined;
  try {
    const tokens = await oidc.authorizationCodeGrant(await providerOf(config), current, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    claims = tokens.claims();
  } catch (error) {
    throw new SsoRefusal("token", describe(error), orgId);
  }
  if (!claims) throw new SsoRefusal("token", "no ID token", orgId);
  const parsed = emailClaim.safeParse(typeof claims.email === "string" ? claims.email.trim().toLowerCase() : undefined);
  if (!parsed.success) throw new SsoRefusal("email", "no usable email claim", orgId);
  const email = parsed.data;
  if (claims.email_verified !== true) throw new SsoRefusal("unverified", "email_verified is not true", orgId, email);
  return signInMember(db, config, email, meta, login.nextPath, now);
}

/** The member with this verified email, or — for an allowed domain — a new user and membership with the configured role. */
async function signInMember(db: Db, config: SsoConfigRow, email: string, meta: Meta, next: string | null, now: Date): Promise<SsoSignIn> {
  const orgId = config.orgId;
  let user = await db.user.findUnique({ where: { email }, include: { memberships: { where: { orgId } } } });
  if (!user?.memberships.length) {
    const domain = email.slice(email.lastIndexOf("@") + 1);
    if (!parseStoredDomains(config.allowedDomains).includes(domain))
      throw new SsoRefusal("domain", `${domain} is not an allowed domain`, orgId, email);
    const role = isRole(config.defaultRole) ? config.defaultRole : "auditor";
    const newAccount = !user;
    user = await db.$transaction(async (tx) => {
      // No password: an account made by SSO signs in through its provider (its hash never verifies).
      const created =
        user ?? (await tx.user.create({ data: { id: newId("usr"), email, passwordHash: "" }, include: { memberships: true } }));
      await tx.membership.create({ data: { id: newId("mem"), orgId, userId: created.id, role } });
      await recordAudit(tx, {
        orgId,
        actor: { type: "user", id: created.id, label: email },
        action: "member.joined",
        target: { type: "user", id: created.id },
        ip: meta.ip,
        userAgent: meta.userAgent,
        data: { role, newAccount, via: "sso" },
      });
      await recordEvent(tx, { orgId, type: "member.joined", payload: { member: { userId: created.id, email, role }, via: "sso" } });
      return created;
    });
  }
  const session = await createSession(db, user.id, orgId, meta, now);
  try {
    await db.session.update({ where: { tokenHash: hashSessionToken(session.token) }, data: { ssoOrgId: orgId } });
  } catch (error) {
    await db.session.deleteMany({ where: { tokenHash: hashSessionToken(session.token) } });
    throw error;
  }
  await recordAudit(db, {
    orgId,
    actor: { type: "user", id: user.id, label: email },
    action: "user.signed_in",
    target: { type: "user", id: user.id },
    ip: meta.ip,
    userAgent: meta.userAgent,
    data: { method: "sso" },
  });
  return { ...session, userId: user.id, orgId, next };
}

/** Completes a sign-in, auditing every refusal: in its organization, or — before one is known — in each that uses SSO. */
export async function completeSso(
  db: Db,
  callbackUrl: URL,
  stateCookie: string | undefined,
  meta: Meta,
  now = new Date(),
): Promise<SsoSignIn> {
  try {
    return await complete(db, callbackUrl, stateCookie, meta, now);
  } catch (error) {
    if (!(error instanceof SsoRefusal)) throw error;
    const orgIds = error.orgId ? [error.orgId] : (await db.ssoConfig.findMany({ select: { orgId: true } })).map((c) => c.orgId);
    const actor: AuditActor = { type: "anonymous", label: error.email ?? "single sign-on" };
    const outcome = error.code === "domain" || error.code === "unverified" || error.code === "disabled" ? "denied" : "failed";
    for (const orgId of orgIds)
      await recordRefusal(db, {
        orgId,
        actor,
        action: "user.sso_sign_in_refused",
        outcome,
        ip: meta.ip,
        userAgent: meta.userAgent,
        data: { code: error.code, reason: error.reason },
      });
    throw error;
  }
}
