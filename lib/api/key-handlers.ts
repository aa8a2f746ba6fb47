import "server-only";
import { DomainError } from "../errors";
import { createKey } from "../api-keys/create-key";
import { editKey } from "../api-keys/edit-key";
import { findLeakedKeys } from "../api-keys/find-leaked";
import { KEY_NOT_FOUND, loadOrgKey } from "../api-keys/load-key";
import { revokeKeyById } from "../api-keys/revoke-key";
import { rotateKey } from "../api-keys/rotate-key";
import { setKeyEnabled } from "../api-keys/set-key-enabled";
import { toKeyView } from "../api-keys/serialize";
import { listKeysByCursor } from "../queries/keys-cursor";
import { graceMs } from "../validations/key";
import { ENDPOINTS } from "./endpoints";
import { keyUsage } from "./key-usage";
import { apiRoute } from "./route";
import type { RevokeLeakedResponse } from "./schemas";

// The management API's handlers: each calls the same service the console's actions call, with the API key
// as the actor, so audit events and key-change notifications happen exactly as they do in the console.

export const listKeysRoute = apiRoute(ENDPOINTS.listKeys, ({ db, principal, now }, query) =>
  listKeysByCursor(db, principal.orgId, query, now),
);

export const createKeyRoute = apiRoute(ENDPOINTS.createKey, async ({ db, principal, now }, input) => {
  const { secret, key, warnings } = await createKey(db, principal.actor, input, now);
  return { secret, key, warnings };
});

export const getKeyRoute = apiRoute(ENDPOINTS.getKey, async ({ db, principal, keyId, now }) => ({
  key: toKeyView(await loadOrgKey(db, principal.orgId, keyId), now),
}));

export const whoamiRoute = apiRoute(ENDPOINTS.whoami, async ({ db, principal, keyId, now }) => {
  const [key, organization] = await Promise.all([
    loadOrgKey(db, principal.orgId, keyId),
    db.organization.findUniqueOrThrow({ where: { id: principal.orgId }, select: { id: true, name: true, slug: true } }),
  ]);
  return { key: toKeyView(key, now), organization };
});

export const updateKeyRoute = apiRoute(ENDPOINTS.updateKey, ({ db, principal, now }, input) => editKey(db, principal.actor, input, now));

export const rotateKeyRoute = apiRoute(ENDPOINTS.rotateKey, async ({ db, principal, keyId, now }, input) => {
  const { key, secret } = await rotateKey(db, principal.actor, { keyId, grace: input.grace }, now);
  const graceEnds = input.grace === "none" ? null : new Date(now.getTime() + graceMs(input.grace)).toISOString();
  return { secret, key, previousSecretValidUntil: graceEnds };
});

export const revokeKeyRoute = apiRoute(ENDPOINTS.revokeKey, async ({ db, principal, keyId, now }, input) => {
  const result = await revokeKeyById(db, principal.actor, keyId, input.reason, now, "api");
  if (result.outcome === "not_found") throw new DomainError("NOT_FOUND", KEY_NOT_FOUND);
  if (!result.key) throw new DomainError("CONFLICT", "This key is already revoked");
  return { key: result.key };
});

export const disableKeyRoute = apiRoute(ENDPOINTS.disableKey, async ({ db, principal, keyId, now }) => ({
  key: await setKeyEnabled(db, principal.actor, { keyId, enabled: false }, now, "api"),
}));

export const enableKeyRoute = apiRoute(ENDPOINTS.enableKey, async ({ db, principal, keyId, now }) => ({
  key: await setKeyEnabled(db, principal.actor, { keyId, enabled: true }, now, "api"),
}));

export const keyUsageRoute = apiRoute(ENDPOINTS.keyUsage, ({ db, principal, keyId, now }, query) =>
  keyUsage(db, principal.orgId, keyId, query.days, now),
);

export const revokeLeakedRoute = apiRoute(ENDPOINTS.revokeLeaked, async ({ db, principal, now }, input): Promise<RevokeLeakedResponse> => {
  const scan = await findLeakedKeys(db, principal.orgId, input.text, now);
  const response: RevokeLeakedResponse = { revoked: [], alreadyRevoked: [], unknownCount: scan.unknownCount, dryRun: input.dryRun };
  for (const match of scan.matches) {
    const entry = { id: match.key.id, name: match.key.name, display: match.secretDisplay, secretIsCurrent: match.secretIsCurrent };
    if (match.key.status === "revoked") {
      response.alreadyRevoked.push(entry);
      continue;
    }
    if (!input.dryRun) {
      const result = await revokeKeyById(db, principal.actor, match.key.id, input.reason || "Found in leaked text", now, "leak");
      if (result.outcome !== "revoked") {
        response.alreadyRevoked.push(entry);
        continue;
      }
    }
    response.revoked.push(entry);
  }
  return response;
});
