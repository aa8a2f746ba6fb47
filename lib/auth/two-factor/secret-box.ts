import { createHmac, hkdfSync } from "node:crypto";
import { loadMasterKey } from "../../crypto/master-key";
import { seal, unseal } from "../../crypto/seal";

// TOTP secrets are sealed with the master key exactly as the organizations' signing secrets are; recovery codes
// are kept as HMACs under a key derived from it, so a copy of the database alone can neither read an
// authenticator's secret nor confirm a guessed recovery code.
let masterKey: Buffer | undefined;
function key(): Buffer {
  masterKey ??= loadMasterKey();
  return masterKey;
}

let recoveryKey: Buffer | undefined;
function recoveryHashKey(): Buffer {
  recoveryKey ??= Buffer.from(hkdfSync("sha256", key(), Buffer.alloc(0), "keyward recovery codes v1", 32));
  return recoveryKey;
}

export function sealTotpSecret(secret: Uint8Array): string {
  return seal(key(), Buffer.from(secret));
}

export function openTotpSecret(sealed: string): Uint8Array {
  return new Uint8Array(unseal(key(), sealed));
}

/** The stored form of a normalized recovery code. */
export function recoveryCodeHash(normalized: string): string {
  return createHmac("sha256", recoveryHashKey()).update(normalized).digest("hex");
}
