import "server-only";
import { db } from "../../db";
import type { Meta } from "./audit";
import { userHasSecondFactor } from "./status";
import { checkSecondFactor, type SecondFactorResult } from "./verify";

export type { SecondFactorMethod, SecondFactorResult } from "./verify";

/** Whether the member has an active second factor. */
export function hasSecondFactor(userId: string): Promise<boolean> {
  return userHasSecondFactor(db, userId);
}

/**
 * Checks a TOTP code or a recovery code for a step-up (or any other proof of the second factor): each code
 * accepted once, throttled per member and address like passwords, failures and recovery-code use audited.
 * `purpose` names what the proof is for in the audit log.
 */
export async function verifySecondFactorCode(userId: string, code: string, meta: Meta, purpose = "step_up"): Promise<SecondFactorResult> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { id: true, email: true } });
  if (!user) return { ok: false, code: "NO_SECOND_FACTOR", error: "There is no second factor on this account" };
  return checkSecondFactor(db, user, code, meta, purpose);
}
