import { recordAudit } from "../audit";
import type { Db } from "../db/client";
import { newId } from "../ids";
import type { MemberActor } from "../members/actor";
import type { CreateOrganizationInput } from "../validations/org-admin";
import { newSealedSigningSecret } from "./signing-secret";
import { slugify } from "./slug";

/**
 * Another organization, bootstrapped like the first: its own sealed signing secret and key prefix, and the
 * creator as its admin. It shares nothing with the organization it was created from.
 */
export async function createOrganization(db: Db, by: Omit<MemberActor, "orgId">, input: CreateOrganizationInput) {
  const orgId = newId("org");
  await db.$transaction(async (tx) => {
    await tx.organization.create({
      data: {
        id: orgId,
        name: input.name,
        slug: slugify(input.name, orgId),
        keyPrefix: input.keyPrefix,
        signingSecretEnc: newSealedSigningSecret(),
        bootstrappedAt: new Date(),
      },
    });
    await tx.membership.create({ data: { id: newId("mem"), orgId, userId: by.userId, role: "admin" } });
    await recordAudit(tx, {
      orgId,
      actor: { type: "user", id: by.userId, label: by.email },
      action: "org.bootstrapped",
      target: { type: "org", id: orgId },
      ip: by.meta.ip,
      userAgent: by.meta.userAgent,
      data: { name: input.name, keyPrefix: input.keyPrefix },
    });
  });
  return { orgId };
}
