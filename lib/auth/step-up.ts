import { recordAudit, type AuditActor } from "../audit";
import { recordRefusal } from "../audit-refusals";
import { DomainError } from "../errors";
import type { Db } from "../db/client";
import type { RequestMeta } from "../http/request-meta";
import type { StepUpProofInput } from "../validations/step-up";
import { verifyPassword } from "./password";
import { checkPasskeyFactor } from "./passkeys/authentication";
import type { RelyingParty } from "./passkeys/relying-party";
import { checkPasswordThrottled } from "./throttle";
import { userHasSecondFactor } from "./two-factor/status";
import { checkSecondFactor } from "./two-factor/verify";

// Second-factor settings (enrolling or removing a factor, regenerating recovery codes) are dangerous actions too:
// their server actions take `{ stepUp: true }` in authedAction like the others, once they exist.
// Dangerous actions (revoking, rotating without grace, granting admin or *, the key policy, members) need a proof
// of identity within this window: a stolen or unattended session alone cannot do them. Sign-in counts as one.
const DEFAULT_STEP_UP_MINUTES = 10;

/** KEYWARD_STEP_UP_MINUTES (1–1440), else 10. */
export function stepUpWindowMs(env: Record<string, string | undefined> = process.env): number {
  const minutes = Number(env.KEYWARD_STEP_UP_MINUTES);
  const valid = Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440;
  return (valid ? minutes : DEFAULT_STEP_UP_MINUTES) * 60_000;
}

export const STEP_UP_REQUIRED = "Confirm it is you to continue";
export const WRONG_STEP_UP_PASSWORD = "That is not your password";
export const PASSKEY_NOT_ACCEPTED = "That passkey was not accepted. Try again, or enter a code.";

export function hasFreshProof(reauthenticatedAt: Date | null | undefined, now = new Date(), windowMs = stepUpWindowMs()): boolean {
  if (!reauthenticatedAt) return false;
  const age = now.getTime() - reauthenticatedAt.getTime();
  return age >= 0 && age <= windowMs;
}

/** Called by the action wrapper before a protected action runs: refuses, changing nothing, without a fresh proof. */
export function assertFreshProof(reauthenticatedAt: Date | null | undefined, now = new Date()): void {
  if (!hasFreshProof(reauthenticatedAt, now)) throw new DomainError("STEP_UP_REQUIRED", STEP_UP_REQUIRED);
}

export type StepUpMethod = "password" | "second-factor";

/** Whether the member has an active second factor (then a step-up takes it, not the password). */
export function memberHasSecondFactor(db: Db, userId: string): Promise<boolean> {
  return userHasSecondFactor(db, userId);
}

/**
 * Checks a TOTP or recovery code as a proof: each code once, throttled per member and address, failures audited
 * by the two-factor module. False for a wrong code; a throttled member gets RATE_LIMITED.
 */
export async function verifySecondFactorProof(db: Db, userId: string, code: string, meta: Meta): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true } });
  if (!user) return false;
  const result = await checkSecondFactor(db, user, code, meta, "step_up");
  if (result.ok) return true;
  if (result.code === "RATE_LIMITED") throw new DomainError("RATE_LIMITED", result.error);
  return false;
}

/** A passkey assertion answering the challenge this session was given for its step-up. */
async function verifyPasskeyProof(
  db: Db,
  user: { id: string; email: string },
  sessionId: string,
  response: Extract<StepUpProofInput, { method: "passkey" }>["response"],
  rp: RelyingParty | undefined,
  meta: Meta,
  now: Date,
): Promise<boolean> {
  if (!rp) return false;
  const result = await checkPasskeyFactor(db, user, response, { purpose: "step_up", sessionId }, rp, meta, now);
  if (result.ok) return true;
  if (result.code === "RATE_LIMITED") throw new DomainError("RATE_LIMITED", result.error);
  return false;
}

/** The proof a member gives: their second factor if they have one, else their password. */
export async function stepUpMethodFor(db: Db, userId: string): Promise<StepUpMethod> {
  return (await memberHasSecondFactor(db, userId)) ? "second-factor" : "password";
}

type Meta = Pick<RequestMeta, "ip" | "userAgent">;

async function auditEach(
  db: Db,
  orgIds: string[],
  actor: AuditActor,
  action: string,
  outcome: "success" | "failed" | "denied",
  meta: Meta,
) {
  for (const orgId of orgIds) {
    const event = { orgId, actor, action, outcome, target: { type: "user", id: actor.id! }, ip: meta.ip, userAgent: meta.userAgent };
    if (outcome === "success") await recordAudit(db, event);
    else await recordRefusal(db, event);
  }
}

/**
 * Checks the member's proof (throttled per account and address like a sign-in) and, when it holds, marks this
 * session freshly proven. A wrong or throttled proof is audited in each of the member's organizations.
 */
export async function proveIdentity(
  db: Db,
  who: { userId: string; sessionId: string },
  proof: StepUpProofInput,
  meta: Meta,
  now = new Date(),
  rp?: RelyingParty,
): Promise<{ method: StepUpMethod; until: string }> {
  const user = await db.user.findUnique({ where: { id: who.userId }, include: { memberships: { select: { orgId: true } } } });
  if (!user) throw new DomainError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  const actor: AuditActor = { type: "user", id: user.id, label: user.email };
  const orgIds = user.memberships.map((m) => m.orgId);
  const method = await stepUpMethodFor(db, user.id);
  // A passkey is a second factor: it proves it as a code does.
  if ((proof.method === "passkey" ? "second-factor" : proof.method) !== method) {
    throw new DomainError("VALIDATION", method === "password" ? "Enter your password" : "Enter a code from your authenticator app");
  }
  let ok: boolean;
  try {
    if (proof.method === "password")
      ok = await checkPasswordThrottled(db, user.email, user.passwordHash, proof.password, meta.ip, verifyPassword, now);
    else if (proof.method === "second-factor") ok = await verifySecondFactorProof(db, user.id, proof.code, meta);
    else ok = await verifyPasskeyProof(db, user, who.sessionId, proof.response, rp, meta, now);
  } catch (error) {
    if (error instanceof DomainError && error.code === "RATE_LIMITED")
      await auditEach(db, orgIds, actor, "user.step_up_throttled", "denied", meta);
    throw error;
  }
  if (!ok) {
    await auditEach(db, orgIds, actor, "user.step_up_failed", "failed", meta);
    if (proof.method === "passkey") throw new DomainError("VALIDATION", PASSKEY_NOT_ACCEPTED);
    const field = proof.method === "password" ? "password" : "code";
    const message = proof.method === "password" ? WRONG_STEP_UP_PASSWORD : "That code is not valid";
    throw new DomainError("VALIDATION", message, { [field]: message });
  }
  await db.session.update({ where: { id: who.sessionId }, data: { reauthenticatedAt: now } });
  await auditEach(db, orgIds, actor, "user.stepped_up", "success", meta);
  return { method, until: new Date(now.getTime() + stepUpWindowMs()).toISOString() };
}
