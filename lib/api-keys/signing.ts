import { hashSecret } from "../keys";
import type { Db } from "../db/client";
import { openSigningSecret } from "../orgs/signing-secret";

export async function orgWithSigningSecret(db: Db, orgId: string) {
  const org = await db.organization.findUnique({ where: { id: orgId } });
  if (!org) return null;
  return { org, signingSecret: openSigningSecret(org.id, org.signingSecretEnc) };
}

// Hash with the org's signing secret so a database dump alone cannot confirm a guessed secret.
export function secretHashFor(signingSecret: Buffer, secret: string): string {
  return hashSecret(signingSecret, secret);
}
