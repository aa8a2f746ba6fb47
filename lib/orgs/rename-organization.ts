import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import type { Db } from "../db/client";
import type { RequestMeta } from "../http/request-meta";

export async function renameOrganization(db: Db, actor: { orgId: string; userId: string; email: string }, name: string, meta: RequestMeta) {
  const org = await db.organization.findUnique({ where: { id: actor.orgId } });
  if (!org) throw new DomainError("NOT_FOUND", "Organization not found");
  if (org.name === name) return { name };
  await db.$transaction(async (tx) => {
    await tx.organization.update({ where: { id: org.id }, data: { name } });
    await recordAudit(tx, {
      orgId: org.id,
      actor: { type: "user", id: actor.userId, label: actor.email },
      action: "org.renamed",
      target: { type: "org", id: org.id },
      ip: meta.ip,
      userAgent: meta.userAgent,
      data: { before: { name: org.name }, after: { name } },
    });
  });
  return { name };
}
