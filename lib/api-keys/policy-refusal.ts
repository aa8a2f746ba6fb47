import { recordRefusal } from "../audit-refusals";
import type { Db } from "../db/client";
import { DomainError, type FieldErrors } from "../errors";
import { log } from "../log";
import type { KeyActor } from "./actor";

export type PolicyOperation = "create" | "update" | "rotate" | "tier";

/**
 * Refuses a change that breaks the organization's key policy: audited as key.policy_refused (who, what they tried,
 * which rules, collapsed per minute like every refusal), then thrown as the field errors the forms and the API show.
 */
export async function refuseForPolicy(
  db: Db,
  by: KeyActor,
  operation: PolicyOperation,
  target: { type: "key" | "tier"; id: string } | undefined,
  violations: FieldErrors,
  message = Object.values(violations)[0],
): Promise<never> {
  try {
    await recordRefusal(db, {
      orgId: by.orgId,
      actor: by.actor,
      action: "key.policy_refused",
      outcome: "denied",
      target,
      ip: by.meta.ip,
      userAgent: by.meta.userAgent,
      data: { operation, rules: Object.keys(violations).sort() },
    });
  } catch (error) {
    // The refusal stands either way; only the kind of failure is logged.
    log.error(`policy refusal not audited: ${(error as Error)?.name ?? "Error"}`);
  }
  throw new DomainError("VALIDATION", message, violations);
}
