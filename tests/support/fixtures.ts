import type { KeyActor } from "@/lib/api-keys/actor";
import { createKey } from "@/lib/api-keys/create-key";
import type { Db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { newSealedSigningSecret } from "@/lib/orgs/signing-secret";
import { createKeySchema, type CreateKeyInput } from "@/lib/validations/key";
import { testMeta } from "./db";

/** An organization with one admin, created directly (not through first-run setup, which runs once per database). */
export async function createOrg(db: Db, { name = "Acme", keyPrefix = "kw", role = "admin" } = {}) {
  const orgId = newId("org");
  const userId = newId("usr");
  const email = `${userId.toLowerCase()}@example.com`;
  await db.organization.create({
    data: {
      id: orgId,
      name,
      slug: `${name.toLowerCase()}-${orgId.slice(-6).toLowerCase()}`,
      keyPrefix,
      signingSecretEnc: newSealedSigningSecret(),
      bootstrappedAt: new Date(),
    },
  });
  await db.user.create({ data: { id: userId, email, passwordHash: "unused" } });
  await db.membership.create({ data: { id: newId("mem"), orgId, userId, role } });
  const actor: KeyActor = { orgId, actor: { type: "user", id: userId, label: email }, meta: testMeta };
  return { orgId, userId, email, actor };
}

export const baseKeyInput: CreateKeyInput = {
  name: "CI pipeline",
  description: "",
  expiry: { preset: "90d" },
  scopes: [{ action: "read", resourceFilter: "projects/**" }],
  cidrs: [],
};

/** Creates a key through the same schema + service path the console and API use. */
export async function makeKey(db: Db, actor: KeyActor, overrides: Partial<CreateKeyInput> = {}) {
  const input = createKeySchema.parse({ ...baseKeyInput, ...overrides });
  return createKey(db, actor, input);
}
