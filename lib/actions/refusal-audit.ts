import { recordRefusal } from "../audit-refusals";
import { log } from "../log";
import type { Permission } from "../auth/permissions";
import type { SessionContext } from "../auth/session-context";
import type { Db } from "../db/client";
import type { RequestMeta } from "../http/request-meta";

// The ids an action's input may name, and what each one is: the refusal's target in the audit log.
const TARGET_FIELDS = [
  ["keyId", "key", /^key_[A-Za-z0-9]{20}$/],
  ["memberId", "member", /^mem_[A-Za-z0-9]{20}$/],
  ["inviteId", "invite", /^inv_[A-Za-z0-9]{20}$/],
  ["orgId", "org", /^org_[A-Za-z0-9]{20}$/],
] as const;

/** What the refused input was aimed at, when it names one well-formed id (never free text from the input). */
export function refusalTarget(raw: unknown): { type: string; id: string } | undefined {
  if (!raw || typeof raw !== "object") return undefined;
  const input = raw as Record<string, unknown>;
  for (const [field, type, pattern] of TARGET_FIELDS) {
    const value = input[field];
    if (typeof value === "string" && pattern.test(value)) return { type, id: value };
  }
  const ids = input.keyIds;
  if (Array.isArray(ids) && ids.length > 0 && typeof ids[0] === "string" && TARGET_FIELDS[0][2].test(ids[0])) {
    return { type: "key", id: ids[0] };
  }
  return undefined;
}

/**
 * A signed-in member's server action refused — for their role (FORBIDDEN) or because its target is not in their
 * organization (NOT_FOUND): who, which permission, aimed at what.
 */
export async function auditActionRefusal(
  db: Db,
  session: SessionContext,
  permission: Permission,
  raw: unknown,
  meta: Pick<RequestMeta, "ip" | "userAgent">,
  reason: "FORBIDDEN" | "NOT_FOUND" = "FORBIDDEN",
) {
  try {
    await recordRefusal(db, {
      orgId: session.org.id,
      actor: { type: "user", id: session.user.id, label: session.user.email },
      action: "action.refused",
      outcome: "denied",
      target: refusalTarget(raw),
      ip: meta.ip,
      userAgent: meta.userAgent,
      data: { permission, role: session.role, reason },
    });
  } catch (error) {
    // The refusal stands either way; only the kind of failure is logged.
    log.error(`refusal not audited: ${(error as Error)?.name ?? "Error"}`);
  }
}
