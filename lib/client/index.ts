export {
  verifyKey,
  VerifyKeyError,
  type RejectedKey,
  type VerifiedKey,
  type Verification,
  type VerifyCode,
  type VerifyKeyOptions,
  type RateLimitState,
  type QuotaState,
} from "./verify-key";
export { keyFromRequest, rateLimitHeaders, requireKey, withKey, type KeyCheck, type RequireKeyOptions } from "./require-key";
