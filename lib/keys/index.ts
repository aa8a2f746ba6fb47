// Public API of the key domain core. Server-only parts (secret generation, hashing)
// need node:crypto; client code should import "./universal" instead.

export * from "./universal";
export {
  PUBLIC_ID_LENGTH,
  generateSecret,
  isPublicId,
  newPublicId,
  randomBase62,
  type GeneratedSecret,
  type PublicIdPrefix,
} from "./secret";
export { MIN_SIGNING_SECRET_BYTES, hashSecret, secretHashesEqual, verifySecretHash } from "./hash";
