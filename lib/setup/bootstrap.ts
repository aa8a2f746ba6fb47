import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { hashPassword } from "../auth/password";
import { assertStrongPassword } from "../auth/password-strength";
import type { Db } from "../db/client";
import { newId } from "../ids";
import { newSealedSigningSecret } from "../orgs/signing-secret";
import { slugify } from "../orgs/slug";
import type { SetupInput } from "../validations/auth";
import type { RequestMeta } from "../http/request-meta";

export const ALREADY_SET_UP = "Keyward is already set up. Sign in instead.";

export async function isInstalled(db: Db): Promise<boolean> {
  return (await db.installation.count()) > 0;
}

/**
 * First-run setup: the organization with its signing secret, and its first admin. The Installation row's
 * fixed primary key makes a second run fail inside the same transaction, even when two race.
 */
export async function bootstrapInstallation(db: Db, input: SetupInput, meta: RequestMeta) {
  if (await isInstalled(db)) throw new DomainError("CONFLICT", ALREADY_SET_UP);
  assertStrongPassword(input.password, [input.email, input.orgName]);
  const passwordHash = await hashPassword(input.password);
  const orgId = newId("org");
  const userId = newId("usr");
  try {
    await db.$transaction(async (tx) => {
      await tx.installation.create({ data: { id: 1 } });
      await tx.organization.create({
        data: {
          id: orgId,
          name: input.orgName,
          slug: slugify(input.orgName, orgId),
          keyPrefix: input.keyPrefix,
          signingSecretEnc: newSealedSigningSecret(),
          bootstrappedAt: new Date(),
        },
      });
      await tx.user.create({ data: { id: userId, email: input.email, passwordHash } });
      await tx.membership.create({ data: { id: newId("mem"), orgId, userId, role: "admin" } });
      await recordAudit(tx, {
        orgId,
        actor: { type: "user", id: userId, label: input.email },
        action: "org.bootstrapped",
        target: { type: "org", id: orgId },
        ip: meta.ip,
        userAgent: meta.userAgent,
        data: { name: input.orgName, keyPrefix: input.keyPrefix },
      });
    });
  } catch (error) {
    if ((error as { code?: string }).code === "P2002") throw new DomainError("CONFLICT", ALREADY_SET_UP);
    throw error;
  }
  return { orgId, userId };
}
