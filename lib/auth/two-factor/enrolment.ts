import QRCode from "qrcode";
import { DomainError } from "../../errors";
import type { Db } from "../../db/client";
import { newId } from "../../ids";
import { auditFactorEvent, type FactorUser, type Meta } from "./audit";
import { newRecoveryCodes, normalizeRecoveryCode } from "./recovery-codes";
import { openTotpSecret, recoveryCodeHash, sealTotpSecret } from "./secret-box";
import { checkSecondFactor, compactCode, throttledCodeAttempt, WRONG_CODE } from "./verify";
import { matchTotpStep, newTotpSecret, totpBase32, totpUri } from "./totp";

export const ALREADY_ENROLLED = "An authenticator app is already set up; remove it first to set up another";
export const NO_ENROLMENT = "Start the setup again: no authenticator app is waiting for confirmation";
export const NOT_ENROLLED = "There is no authenticator app on this account";

export interface TotpEnrolment {
  /** The secret in base32, for typing into an app that cannot scan. */
  secret: string;
  uri: string;
  /** The QR code as an SVG document, shown as an image (no external request). */
  qrSvg: string;
}

/** Starts (or restarts) setting up an authenticator app: a new secret, sealed, not active until confirmed. */
export async function startTotpEnrolment(db: Db, user: FactorUser, now = new Date()): Promise<TotpEnrolment> {
  const existing = await db.totpFactor.findUnique({ where: { userId: user.id } });
  if (existing?.confirmedAt) throw new DomainError("CONFLICT", ALREADY_ENROLLED);
  const secret = newTotpSecret();
  const secretEnc = sealTotpSecret(secret);
  await db.totpFactor.upsert({
    where: { userId: user.id },
    create: { userId: user.id, secretEnc, createdAt: now },
    update: { secretEnc, createdAt: now, lastUsedStep: null },
  });
  const uri = totpUri(secret, user.email);
  const qrSvg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { secret: totpBase32(secret), uri, qrSvg };
}

/** Ten new recovery codes for the member (every earlier one stops working); the codes themselves are returned once. */
export async function replaceRecoveryCodes(tx: Pick<Db, "recoveryCode">, userId: string, now: Date): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({
    data: codes.map((code) => ({ id: newId("rec"), userId, codeHash: recoveryCodeHash(normalizeRecoveryCode(code)!), createdAt: now })),
  });
  return codes;
}

/**
 * A code from the app proves it holds the secret: the factor becomes active, that code's step counts as used,
 * and ten recovery codes are made (returned once, stored only as HMACs).
 */
export async function confirmTotpEnrolment(db: Db, user: FactorUser, rawCode: string, meta: Meta, now = new Date()) {
  const pending = await db.totpFactor.findUnique({ where: { userId: user.id } });
  if (pending?.confirmedAt) throw new DomainError("CONFLICT", ALREADY_ENROLLED);
  if (!pending) throw new DomainError("CONFLICT", NO_ENROLMENT);
  const step = await throttledCodeAttempt(
    db,
    user.id,
    meta.ip,
    () => Promise.resolve(matchTotpStep(openTotpSecret(pending.secretEnc), compactCode(rawCode), now)),
    now,
  );
  if (step === null) {
    await auditFactorEvent(db, user, "user.second_factor_failed", meta, { purpose: "enrolment" }, "failed");
    throw new DomainError("VALIDATION", WRONG_CODE, { code: WRONG_CODE });
  }
  return db.$transaction(async (tx) => {
    const confirmed = await tx.totpFactor.updateMany({
      where: { userId: user.id, secretEnc: pending.secretEnc, confirmedAt: null },
      data: { confirmedAt: now, lastUsedStep: step },
    });
    if (confirmed.count !== 1) throw new DomainError("CONFLICT", NO_ENROLMENT);
    const recoveryCodes = await replaceRecoveryCodes(tx, user.id, now);
    await auditFactorEvent(tx, user, "user.second_factor_enrolled", meta, { factor: "totp", recoveryCodes: recoveryCodes.length });
    return { recoveryCodes };
  });
}

/** A current code (or a recovery code) is needed to change the factors, so a borrowed session cannot remove them. */
async function requireCode(db: Db, user: FactorUser, code: string, meta: Meta, purpose: string) {
  const result = await checkSecondFactor(db, user, code, meta, purpose);
  if (result.ok) return;
  if (result.code === "NO_SECOND_FACTOR") throw new DomainError("CONFLICT", NOT_ENROLLED);
  if (result.code === "RATE_LIMITED") throw new DomainError("RATE_LIMITED", result.error);
  throw new DomainError("VALIDATION", result.error, { code: result.error });
}

/** Removes the authenticator app, and the recovery codes with it when no passkey remains. */
export async function removeTotp(db: Db, user: FactorUser, code: string, meta: Meta) {
  await requireCode(db, user, code, meta, "remove");
  await db.$transaction(async (tx) => {
    await tx.totpFactor.deleteMany({ where: { userId: user.id } });
    if ((await tx.passkey.count({ where: { userId: user.id } })) === 0) await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
    await auditFactorEvent(tx, user, "user.second_factor_removed", meta, { factor: "totp" });
  });
  return null;
}

/** Ten new recovery codes; every earlier one stops working. */
export async function regenerateRecoveryCodes(db: Db, user: FactorUser, code: string, meta: Meta, now = new Date()) {
  await requireCode(db, user, code, meta, "recovery_codes");
  return db.$transaction(async (tx) => {
    const recoveryCodes = await replaceRecoveryCodes(tx, user.id, now);
    await auditFactorEvent(tx, user, "user.recovery_codes_regenerated", meta, { recoveryCodes: recoveryCodes.length });
    return { recoveryCodes };
  });
}
