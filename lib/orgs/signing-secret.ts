import { randomBytes } from "node:crypto";
import { loadMasterKey } from "../crypto/master-key";
import { seal, unseal } from "../crypto/seal";

let masterKey: Buffer | undefined;
function key(): Buffer {
  masterKey ??= loadMasterKey();
  return masterKey;
}

/** A new 256-bit HMAC key for an organization's key hashes, sealed for storage. */
export function newSealedSigningSecret(): string {
  return seal(key(), randomBytes(32));
}

const cache = new Map<string, Buffer>();

export function openSigningSecret(orgId: string, sealed: string): Buffer {
  let secret = cache.get(orgId);
  if (!secret) {
    secret = unseal(key(), sealed);
    cache.set(orgId, secret);
  }
  return secret;
}
