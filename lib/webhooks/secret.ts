import { randomBytes } from "node:crypto";
import { sealText, unsealText } from "../sso/sealed";

// An endpoint's signing secret, in Standard Webhooks' format: "whsec_" and 24 random bytes in base64 (the
// libraries strip the prefix and use the bytes as the HMAC-SHA256 key). At rest it is sealed with the master key,
// like the organizations' signing secrets; it is shown once, when the endpoint is created.

export function newEndpointSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

export function sealEndpointSecret(secret: string): string {
  return sealText(secret);
}

export function openEndpointSecret(sealed: string): string {
  return unsealText(sealed);
}
