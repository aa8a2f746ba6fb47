import { randomBytes } from "node:crypto";
import { DomainError } from "../../errors";
import type { Db } from "../../db/client";
import { newId } from "../../ids";
import { hashSessionToken } from "../sessions";
import type { FactorUser, Meta } from "./audit";
import { checkSecondFactor, type SecondFactorMethod, type SecondFactorResult } from "./verify";

// Between a correct password and the second factor the browser holds only this: a random token (its SHA-256 in
// the database) that lets it send codes for one member for five minutes. It grants no console access; it is
// spent by the sign-in it completes, and a handful of wrong codes end it.
export const PENDING_SIGN_IN_MS = 5 * 60 * 1000;
export const PENDING_MAX_ATTEMPTS = 5;
export const SIGN_IN_AGAIN = "This sign-in has expired. Enter your email and password again.";
export const TOO_MANY_WRONG_CODES = "Too many wrong codes. Enter your email and password again.";

export async function createPendingSignIn(db: Db, userId: string, now = new Date()) {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + PENDING_SIGN_IN_MS);
  await db.pendingSignIn.deleteMany({ where: { userId, expiresAt: { lte: now } } });
  await db.pendingSignIn.create({ data: { id: newId("psi"), tokenHash: hashSessionToken(token), userId, createdAt: now, expiresAt } });
  return { token, expiresAt };
}

export async function findPendingSignIn(db: Db, token: string | undefined, now = new Date()) {
  if (!token || token.length > 128) return null;
  const pending = await db.pendingSignIn.findUnique({ where: { tokenHash: hashSessionToken(token) }, include: { user: true } });
  if (!pending || pending.expiresAt <= now) return null;
  return pending;
}

/**
 * The second step of signing in: the pending token and a code. On success the token is spent (exactly once,
 * even under concurrent requests) and the caller creates the session; otherwise the refusal as an DomainError.
 */
export async function completePendingSignIn(
  db: Db,
  token: string | undefined,
  code: string,
  meta: Meta,
  now = new Date(),
): Promise<{ userId: string; email: string; method: SecondFactorMethod; recoveryCodesLeft: number }> {
  return completePendingSignInWith(db, token, (pending) => checkSecondFactor(db, pending.user, code, meta, "sign_in", now), now);
}

/** The same with any proof of the second factor (a code, a passkey assertion bound to this pending sign-in). */
export async function completePendingSignInWith(
  db: Db,
  token: string | undefined,
  check: (pending: { id: string; user: FactorUser }) => Promise<SecondFactorResult>,
  now = new Date(),
): Promise<{ userId: string; email: string; method: SecondFactorMethod; recoveryCodesLeft: number }> {
  const pending = await findPendingSignIn(db, token, now);
  if (!pending) throw new DomainError("UNAUTHENTICATED", SIGN_IN_AGAIN);
  const result = await check(pending);
  if (!result.ok) {
    if (result.code === "RATE_LIMITED") throw new DomainError("RATE_LIMITED", result.error);
    if (result.code === "NO_SECOND_FACTOR") {
      await db.pendingSignIn.deleteMany({ where: { id: pending.id } });
      throw new DomainError("UNAUTHENTICATED", SIGN_IN_AGAIN);
    }
    await db.pendingSignIn.updateMany({ where: { id: pending.id }, data: { attempts: { increment: 1 } } });
    const counted = await db.pendingSignIn.findUnique({ where: { id: pending.id }, select: { attempts: true } });
    if (!counted || counted.attempts >= PENDING_MAX_ATTEMPTS) {
      await db.pendingSignIn.deleteMany({ where: { id: pending.id } });
      throw new DomainError("UNAUTHENTICATED", TOO_MANY_WRONG_CODES);
    }
    throw new DomainError("VALIDATION", result.error, { code: result.error });
  }
  const spent = await db.pendingSignIn.deleteMany({ where: { id: pending.id } });
  if (spent.count !== 1) throw new DomainError("UNAUTHENTICATED", SIGN_IN_AGAIN);
  return { userId: pending.userId, email: pending.user.email, method: result.method, recoveryCodesLeft: result.recoveryCodesLeft };
}
