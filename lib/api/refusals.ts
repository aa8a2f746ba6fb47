import { recordRefusal } from "../audit-refusals";
import type { Db } from "../db/client";
import type { RequestMeta } from "../http/request-meta";
import { writeUsageBatch } from "../usage/write-batch";
import type { KeyRefusedError } from "./authenticate";
import { apiBuckets } from "./rate-limit";

/**
 * What the organization learns of a refused management-API request made with one of its keys: an audit row
 * (collapsed per minute) with the reason the 401/403 does not give, and a usage event for a key that is
 * revoked, expired or disabled, like the verify path's. The key's own rate-limit bucket bounds the usage writes.
 */
export async function recordKeyRefusal(
  db: Db,
  refusal: KeyRefusedError,
  request: { action: string; resource: string; targetKeyId: string | null; meta: Pick<RequestMeta, "ip" | "userAgent"> },
  now = new Date(),
): Promise<void> {
  const { key, reason } = refusal;
  await recordRefusal(
    db,
    {
      orgId: key.orgId,
      actor: { type: "key", id: key.keyId, label: key.label },
      action: "api.request_refused",
      outcome: "denied",
      // The key the request was aimed at; for a collection request (or a dead key) the refused key itself.
      target: { type: "key", id: request.targetKeyId ?? key.keyId },
      ip: request.meta.ip,
      userAgent: request.meta.userAgent,
      data: { reason, detail: refusal.detail, permission: `${request.action} on ${request.resource}` },
    },
    now,
  );
  if ((reason === "REVOKED" || reason === "EXPIRED" || reason === "DISABLED") && apiBuckets().take(key.keyId).allowed) {
    await writeUsageBatch(db, [
      {
        orgId: key.orgId,
        keyId: key.keyId,
        at: now,
        outcome: reason,
        action: request.action,
        resource: request.resource,
        ip: request.meta.ip,
        userAgent: request.meta.userAgent,
      },
    ]);
  }
}
