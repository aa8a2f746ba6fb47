import { recordAudit, type AuditActor } from "../audit";
import { recordRefusal } from "../audit-refusals";
import { sameText } from "../crypto/same-text";
import { DomainError } from "../errors";
import type { Db } from "../db/client";
import type { RequestMeta } from "../http/request-meta";
import { verifyPassword } from "./password";
import { createSession, findSession } from "./sessions";
import { orgReachable, SSO_GATE_SELECT } from "../sso/reach";
import type { AuthenticationResponseInput } from "../validations/passkey";
import {
  checkPasskeyFactor,
  PASSKEY_NOT_ACCEPTED,
  verifyPasskeyAssertion,
  type AssertionRefusal,
  type AssertionResult,
} from "./passkeys/authentication";
import { challengeOf } from "./passkeys/challenges";
import type { RelyingParty } from "./passkeys/relying-party";
import {
  assertNotThrottled,
  checkPasswordThrottled,
  recordLoginFailure,
  recordLoginSuccess,
  throttleSubjects,
  withVerificationSlot,
} from "./throttle";
import { completePendingSignIn, completePendingSignInWith, createPendingSignIn } from "./two-factor/pending-sign-in";
import { userHasSecondFactor } from "./two-factor/status";

export const WRONG_CREDENTIALS = "Email or password is incorrect";
export const SSO_REQUIRED = "Your organization requires single sign-on: choose “Use single sign-on (SSO)” below.";

type Meta = Pick<RequestMeta, "ip" | "userAgent">;
type KnownUser = { id: string; email: string; memberships: { orgId: string }[] } | null;

/**
 * A failed or throttled sign-in, in the audit log of every organization the account belongs to — or of every
 * organization when no account has that email (an install's organizations share one sign-in page). Collapsed
 * per minute, so a password spray cannot flood the log.
 */
async function auditSignInRefusal(db: Db, email: string, user: KnownUser, action: string, outcome: "failed" | "denied", meta: Meta) {
  const orgIds = user ? user.memberships.map((m) => m.orgId) : (await db.organization.findMany({ select: { id: true } })).map((o) => o.id);
  // A throttled attempt hashes nothing and costs nothing, so an address may make many, each with another made-up
  // email: for unknown accounts those are one actor ("unknown account", per address) and collapse per minute.
  const anonymous = outcome === "denied" ? "unknown account" : email;
  const actor: AuditActor = user ? { type: "user", id: user.id, label: user.email } : { type: "anonymous", label: anonymous };
  const data = user || outcome !== "denied" ? { email } : { address: meta.ip };
  for (const orgId of orgIds) {
    await recordRefusal(db, { orgId, actor, action, outcome, ip: meta.ip, userAgent: meta.userAgent, data });
  }
}

type GatedMembership = {
  orgId: string;
  org: { ssoConfig: { enabled: boolean; requireSso: boolean; breakGlassUserId: string | null } | null };
};
const GATED_MEMBERSHIPS = {
  orderBy: { createdAt: "asc" },
  select: { orgId: true, org: { select: { ssoConfig: { select: SSO_GATE_SELECT } } } },
} as const;

/** Organizations that require SSO are out of a password session's reach (lib/sso/reach.ts). */
function passwordReachable(userId: string, memberships: GatedMembership[]) {
  return memberships.filter((m) => orgReachable({ userId, ssoOrgId: null }, m.orgId, m.org.ssoConfig));
}

/**
 * A new password session (a fresh token: the session id rotates) in the first organization it reaches, audited in
 * each of those. Checked again here, after a second factor too: the policy may have changed in between.
 */
async function startSession(db: Db, user: { id: string; email: string }, meta: Meta, data?: Record<string, unknown>) {
  const all = await db.membership.findMany({ where: { userId: user.id }, ...GATED_MEMBERSHIPS });
  const memberships = passwordReachable(user.id, all);
  if (all.length > 0 && memberships.length === 0) await refuseSsoRequired(db, user, all, meta);
  const session = await createSession(db, user.id, memberships[0]?.orgId ?? null, meta);
  for (const membership of memberships) {
    await recordAudit(db, {
      orgId: membership.orgId,
      actor: { type: "user", id: user.id, label: user.email },
      action: "user.signed_in",
      target: { type: "user", id: user.id },
      ip: meta.ip,
      userAgent: meta.userAgent,
      data,
    });
  }
  return { ...session, userId: user.id };
}

async function refuseSsoRequired(
  db: Db,
  user: { id: string; email: string },
  memberships: { orgId: string }[],
  meta: Meta,
): Promise<never> {
  for (const { orgId } of memberships)
    await recordRefusal(db, {
      orgId,
      actor: { type: "user", id: user.id, label: user.email },
      action: "user.sign_in_refused",
      outcome: "denied",
      ip: meta.ip,
      userAgent: meta.userAgent,
      data: { reason: "sso_required" },
    });
  throw new DomainError("FORBIDDEN", SSO_REQUIRED);
}

export type SignInResult =
  | { secondFactor: false; token: string; expiresAt: Date; userId: string }
  // The password was right and the member has a second factor: no session yet, only the pending sign-in's token.
  | { secondFactor: true; pendingToken: string; expiresAt: Date; token?: undefined; userId?: undefined };

/**
 * Signs in; every failure gives one message, and costs a password hash whether or not the email exists —
 * except when the account or address is throttled, which is refused before any hashing. A member with a second
 * factor gets a pending sign-in instead of a session (see completeSecondFactorSignIn).
 * Each sign-in creates a new session token (the session id rotates). `email` is already normalized by the schema.
 */
export async function signIn(db: Db, email: string, password: string, meta: Meta): Promise<SignInResult> {
  const user = await db.user.findUnique({ where: { email }, include: { memberships: GATED_MEMBERSHIPS } });
  let ok: boolean;
  try {
    ok = await checkPasswordThrottled(db, email, user?.passwordHash, password, meta.ip, verifyPassword);
  } catch (error) {
    if (error instanceof DomainError && error.code === "RATE_LIMITED") {
      await auditSignInRefusal(db, email, user, "user.sign_in_throttled", "denied", meta);
    }
    throw error;
  }
  if (!user || !ok) {
    await auditSignInRefusal(db, email, user, "user.sign_in_failed", "failed", meta);
    throw new DomainError("UNAUTHENTICATED", WRONG_CREDENTIALS);
  }
  // With every organization behind SSO, the password alone opens nothing: refused before any second factor.
  if (user.memberships.length > 0 && passwordReachable(user.id, user.memberships).length === 0) {
    await refuseSsoRequired(db, user, user.memberships, meta);
  }
  if (await userHasSecondFactor(db, user.id)) {
    const pending = await createPendingSignIn(db, user.id);
    return { secondFactor: true, pendingToken: pending.token, expiresAt: pending.expiresAt };
  }
  return { secondFactor: false, ...(await startSession(db, user, meta)) };
}

/** The second step: the pending sign-in's token and a TOTP or recovery code; a session when both hold. */
export async function completeSecondFactorSignIn(db: Db, pendingToken: string | undefined, code: string, meta: Meta) {
  const done = await completePendingSignIn(db, pendingToken, code, meta);
  return startSession(db, { id: done.userId, email: done.email }, meta, { secondFactor: done.method });
}

/** The second step with a passkey: an assertion answering the challenge issued to this pending sign-in. */
export async function completePasskeySecondFactorSignIn(
  db: Db,
  pendingToken: string | undefined,
  response: AuthenticationResponseInput,
  rp: RelyingParty,
  meta: Meta,
) {
  const done = await completePendingSignInWith(db, pendingToken, (pending) =>
    checkPasskeyFactor(db, pending.user, response, { purpose: "second_factor", pendingSignInId: pending.id }, rp, meta),
  );
  return startSession(db, { id: done.userId, email: done.email }, meta, { secondFactor: done.method });
}

/**
 * Passwordless sign-in: a discoverable passkey with user verification is both factors. Throttled like a password
 * (per account — the passkey's member — and per address, refused before any check when locked), every failure
 * audited, and the session reaches the organizations a password session would (SSO rules in startSession).
 * `browserChallenge` is the challenge the asking browser was given (its cookie): an assertion of any other
 * challenge — one requested elsewhere and relayed here — is refused.
 */
export async function signInWithPasskey(
  db: Db,
  response: AuthenticationResponseInput,
  rp: RelyingParty,
  meta: Meta,
  browserChallenge: string | undefined,
) {
  const owner = await db.passkey.findUnique({
    where: { credentialId: response.id },
    select: { user: { select: { id: true, email: true, memberships: GATED_MEMBERSHIPS } } },
  });
  const user = owner?.user ?? null;
  // An unknown credential has no account to count against: its own id does, and the address.
  const subjects = throttleSubjects(user ? user.email : `passkey:${response.id.slice(0, 64)}`, meta.ip);
  let reason: AssertionRefusal | null = null;
  try {
    await withVerificationSlot(subjects, async () => {
      await assertNotThrottled(db, subjects);
      const signed = challengeOf(response.response.clientDataJSON);
      const result: AssertionResult =
        signed !== null && browserChallenge !== undefined && sameText(signed, browserChallenge)
          ? await verifyPasskeyAssertion(db, response, { purpose: "sign_in" }, rp, null)
          : { ok: false, reason: "challenge" };
      if (result.ok) await recordLoginSuccess(db, subjects);
      else {
        reason = result.reason;
        await recordLoginFailure(db, subjects);
      }
    });
  } catch (error) {
    if (error instanceof DomainError && error.code === "RATE_LIMITED") {
      await auditPasskeySignInRefusal(db, user, "user.sign_in_throttled", "denied", meta, {});
    }
    throw error;
  }
  if (reason || !user) {
    await auditPasskeySignInRefusal(db, user, "user.sign_in_failed", "failed", meta, { reason });
    throw new DomainError("UNAUTHENTICATED", PASSKEY_NOT_ACCEPTED);
  }
  if (user.memberships.length > 0 && passwordReachable(user.id, user.memberships).length === 0) {
    await refuseSsoRequired(db, user, user.memberships, meta);
  }
  return startSession(db, user, meta, { method: "passkey" });
}

async function auditPasskeySignInRefusal(
  db: Db,
  user: KnownUser,
  action: string,
  outcome: "failed" | "denied",
  meta: Meta,
  data: Record<string, unknown>,
) {
  const orgIds = user ? user.memberships.map((m) => m.orgId) : (await db.organization.findMany({ select: { id: true } })).map((o) => o.id);
  const actor: AuditActor = user ? { type: "user", id: user.id, label: user.email } : { type: "anonymous", label: "unknown passkey" };
  for (const orgId of orgIds) {
    await recordRefusal(db, {
      orgId,
      actor,
      action,
      outcome,
      ip: meta.ip,
      userAgent: meta.userAgent,
      data: { method: "passkey", ...data },
    });
  }
}

/** Records the sign-out of the session behind `token` in each of the user's organizations (before it is deleted). */
export async function recordSignOut(db: Db, token: string | undefined, meta: Meta) {
  const session = await findSession(db, token);
  if (!session) return;
  const memberships = await db.membership.findMany({ where: { userId: session.userId }, select: { orgId: true } });
  for (const { orgId } of memberships) {
    await recordAudit(db, {
      orgId,
      actor: { type: "user", id: session.userId, label: session.user.email },
      action: "user.signed_out",
      target: { type: "user", id: session.userId },
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
  }
}
