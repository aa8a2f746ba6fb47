import { DomainError } from "../errors";
import type { Db } from "../db/client";
import { keyDetailInclude } from "./serialize";

export const KEY_NOT_FOUND = "Key not found";

/** A key of this organization, or NOT_FOUND — the same answer for another organization's key id. */
export async function loadOrgKey(db: Db, orgId: string, keyId: string) {
  const key = await db.apiKey.findFirst({ where: { id: keyId, orgId }, include: keyDetailInclude });
  if (!key) throw new DomainError("NOT_FOUND", KEY_NOT_FOUND);
  return key;
}

export function assertNotRevoked(key: { revokedAt: Date | null }) {
  if (key.revokedAt) throw new DomainError("CONFLICT", "This key is revoked; revoked keys are read-only");
}
