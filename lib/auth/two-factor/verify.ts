import { DomainError } from "../../errors";
import type { Db } from "../../db/client";
import { assertNotThrottled, recordLoginFailure, recordLoginSuccess, withVerificationSlot, type ThrottleSubjects } from "../throttle";
import { auditFactorEvent, type FactorUser, type Meta } from "./audit";
import { normalizeRecoveryCode } from "./recovery-codes";
import { openTotpSecret, recoveryCodeHash } from "./secret-box";
import { matchTotpStep } from "./totp";

export type SecondFactorMethod = "totp" | "recovery_code" | "passkey";
export type SecondFactorResult =
  | { ok: true; method: SecondFactorMethod; recoveryCodesLeft: number }
  | { ok: false; code: "NO_SECOND_FACTOR" | "INVALID_CODE" | "RATE_LIMITED"; error: string };

export const WRONG_CODE = "That code is not right, or it was already used";
export const NO_SECOND_FACTOR = "There is no second factor on this account";

/** Second-factor guesses are counted per member and per address, with the same backoff as passwords. */
export function codeThrottleSubjects(userId: string, ip: string | null | undefined): ThrottleSubjects {
  return { account: `2fa:${userId}`, ip: ip ? `ip:${ip}` : null };
}

/** "123 456" → "123456"; a recovery code keeps its own form. */
export function compactCode(input: string): string {
  return input.replace(/[\s-]/g, "");
}

/**
 * Runs `match` as one throttled attempt: refused before any check when the member or address is locked (one
 * attempt at a time per member), and the outcome counted. Throws RATE_LIMITED when throttled.
 */
export async function throttledCodeAttempt<T>(
  db: Db,
  userId: string,
  ip: string | null | undefined,
  match: () => Promise<T | null>,
  now: Date,
) {
  const subjects = codeThrottleSubjects(userId, ip);
  return withVerificationSlot(subjects, async () => {
    await assertNotThrottled(db, subjects, now);
    const matched = await match();
    if (matched === null) await recordLoginFailure(db, subjects, now);
    else await recordLoginSuccess(db, subjects);
    return matched;
  });
}

/** A TOTP code, accepted once: the step it belongs to must be later than the last one used (atomic, race-safe). */
async function useTotpCode(db: Db, userId: string, secretEnc: string, code: string, now: Date): Promise<boolean> {
  const step = matchTotpStep(openTotpSecret(secretEnc), code, now);
  if (step === null) return false;
  const claimed = await db.totpFactor.updateMany({
    where: { userId, confirmedAt: { not: null }, OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: step } }] },
    data: { lastUsedStep: step },
  });
  return claimed.count === 1;
}

/** A recovery code, accepted once: marked used in the same statement that finds it unused. */
async function useRecoveryCode(db: Db, userId: string, normalized: string, now: Date): Promise<boolean> {
  const used = await db.recoveryCode.updateMany({
    where: { userId, codeHash: recoveryCodeHash(normalized), usedAt: null },
    data: { usedAt: now },
  });
  return used.count === 1;
}

/**
 * Checks a member's second factor: a TOTP code (±1 step, never the same step twice) or an unused recovery code.
 * Throttled per member and per address like passwords; failures, throttling and recovery-code use are audited
 * in each of the member's organizations. Returns a result, never throws for a wrong code.
 */
export async function checkSecondFactor(
  db: Db,
  user: FactorUser,
  rawCode: string,
  meta: Meta,
  purpose: string,
  now = new Date(),
): Promise<SecondFactorResult> {
  const found = await db.totpFactor.findUnique({ where: { userId: user.id } });
  const factor = found?.confirmedAt ? found : null;
  // A member with passkeys only still has recovery codes to type.
  if (!factor && (await db.passkey.count({ where: { userId: user.id } })) === 0) {
    return { ok: false, code: "NO_SECOND_FACTOR", error: NO_SECOND_FACTOR };
  }
  const code = compactCode(rawCode);
  let method: SecondFactorMethod | null;
  try {
    method = await throttledCodeAttempt(
      db,
      user.id,
      meta.ip,
      async () => {
        if (/^\d{6}$/.test(code)) return factor && (await useTotpCode(db, user.id, factor.secretEnc, code, now)) ? "totp" : null;
        const recovery = normalizeRecoveryCode(code);
        return recovery && (await useRecoveryCode(db, user.id, recovery, now)) ? "recovery_code" : null;
      },
      now,
    );
  } catch (error) {
    if (error instanceof DomainError && error.code === "RATE_LIMITED") {
      await auditFactorEvent(db, user, "user.second_factor_throttled", meta, { purpose }, "denied");
      return { ok: false, code: "RATE_LIMITED", error: error.message };
    }
    throw error;
  }
  if (!method) {
    await auditFactorEvent(db, user, "user.second_factor_failed", meta, { purpose }, "failed");
    return { ok: false, code: "INVALID_CODE", error: WRONG_CODE };
  }
  const recoveryCodesLeft = await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } });
  if (method === "recovery_code") await auditFactorEvent(db, user, "user.recovery_code_used", meta, { purpose, recoveryCodesLeft });
  return { ok: true, method, recoveryCodesLeft };
}
