export {
  verifyKey,
  VerifyKeyError,
  type RejectedKey,
  type VerifiedKey,
  type Verification,
  type VerifyCode,
  type VerifyKeyOptions,
} from "./verify-key";
export { keyFromRequest, requireKey, withKey, type KeyCheck, type RequireKeyOptions } from "./require-key";
