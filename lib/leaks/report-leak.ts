import { recordAudit } from "../audit";
import type { Db, Prisma } from "../db/client";
import { DomainError } from "../errors";
import { recordEvent } from "../events/record";
import type { KeyActor } from "../api-keys/actor";
import { expireGraceSecret } from "../api-keys/expire-grace-secret";
import type { IssuedSecret } from "../api-keys/find-leaked";
import { revokeKeyById } from "../api-keys/revoke-key";
import { rotateKey } from "../api-keys/rotate-key";
import type { RequestMeta } from "../http/request-meta";
import { isLeakPolicy, type LeakPolicy } from "./policy";

export interface LeakReport {
  /** Who reported it, e.g. "github". */
  source: string;
  /** Where the secret was found (a commit, an issue…), as the scanner gave it. */
  url: string;
  /** The scanner's name for the secret's type. */
  tokenType: string;
  /** Where on the scanner's side it was found ("content", "commit", "npm"…), when it says. */
  location: string | null;
}

/** What was done about one reported secret. */
export type LeakAction = "revoked" | "rotated" | "grace_ended" | "none" | "already_dead";

const REPORTER_LABEL: Record<string, string> = { github: "GitHub secret scanning" };

/**
 * Applies the organization's leak policy to one reported secret: revoke the key (default), rotate it, or alert
 * only. Every report is audited with its source URL; leak.reported (and leak.revoked when the secret stopped
 * working) are written to the outbox in the same transaction as the change.
 */
export async function reportLeak(
  db: Db,
  hit: IssuedSecret,
  report: LeakReport,
  meta: Pick<RequestMeta, "ip" | "userAgent">,
  now = new Date(),
): Promise<LeakAction> {
  const policy: LeakPolicy = isLeakPolicy(hit.leakPolicy) ? hit.leakPolicy : "revoke";
  const by: KeyActor = { orgId: hit.orgId, actor: { type: "system", label: REPORTER_LABEL[report.source] ?? report.source }, meta };
  const reason = `Leaked: found by ${by.actor.label} at ${report.url}`.slice(0, 500);

  const record = (action: LeakAction) => async (tx: Prisma.TransactionClient) => {
    const details = {
      keyId: hit.keyId,
      keyName: hit.keyName,
      secret: hit.secretDisplay,
      source: report.source,
      url: report.url,
      tokenType: report.tokenType,
      location: report.location,
      policy,
      action,
    };
    await recordAudit(tx, {
      orgId: hit.orgId,
      actor: by.actor,
      action: "leak.reported",
      target: { type: "key", id: hit.keyId },
      ip: meta.ip,
      userAgent: meta.userAgent,
      at: now,
      data: details,
    });
    // Events leave Keyward (webhooks, email): they name the key, never any part of the secret (the audit row may).
    const { secret: _display, ...payload } = details;
    await recordEvent(tx, { orgId: hit.orgId, type: "leak.reported", payload, at: now });
    if (action === "revoked" || action === "rotated" || action === "grace_ended")
      await recordEvent(tx, { orgId: hit.orgId, type: "leak.revoked", payload, at: now });
  };
  const reportOnly = async (action: LeakAction) => {
    await db.$transaction(record(action));
    return action;
  };

  const graceLive = hit.graceUntil !== null && hit.graceUntil > now;
  if (hit.keyRevoked || (!hit.secretIsCurrent && !graceLive)) return reportOnly("already_dead");
  if (policy === "alert") return reportOnly("none");

  if (!hit.secretIsCurrent) {
    // A rotated-out secret still in its grace period: end that, not the key and its new secret.
    try {
      await expireGraceSecret(db, by, { keyId: hit.keyId, secretId: hit.secretId }, now, record("grace_ended"));
      return "grace_ended";
    } catch (error) {
      // It stopped working meanwhile (its grace ended, the key was revoked).
      if (error instanceof DomainError) return reportOnly("already_dead");
      throw error;
    }
  }
  if (policy === "rotate") {
    try {
      await rotateKey(db, by, { keyId: hit.keyId, grace: "none" }, now, record("rotated"));
      return "rotated";
    } catch (error) {
      // A key that cannot be rotated (it breaks the key policy, it expired) is revoked instead: whatever else
      // happens, the leaked secret must stop working.
      if (!(error instanceof DomainError)) throw error;
    }
  }
  const { outcome } = await revokeKeyById(db, by, hit.keyId, reason, now, "leak", record("revoked"));
  if (outcome !== "revoked") return reportOnly("already_dead");
  return "revoked";
}
