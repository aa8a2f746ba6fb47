import { loadMasterKey } from "../crypto/master-key";
import { seal, unseal } from "../crypto/seal";

let masterKey: Buffer | undefined;
function key(): Buffer {
  masterKey ??= loadMasterKey();
  return masterKey;
}

/** SSO secrets (client secrets, PKCE verifiers) at rest: AES-256-GCM under the master key, like the signing secrets. */
export function sealText(value: string): string {
  return seal(key(), Buffer.from(value, "utf8"));
}

export function unsealText(sealed: string): string {
  return unseal(key(), sealed).toString("utf8");
}
