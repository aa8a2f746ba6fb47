// Everything in lib/keys that runs in the browser as well as on the server
// (no node:crypto). Client components import from "@/lib/keys/universal".

export { BASE62_ALPHABET, encodeBase62 } from "./base62";
export { crc32 } from "./crc32";
export {
  KEY_ENVIRONMENTS,
  KEY_PREFIX_MAX,
  KEY_PREFIX_MIN,
  KEY_PREFIX_PATTERN,
  isKeyEnvironment,
  isKeyPrefix,
  keyEnvironmentSchema,
  keyPrefixSchema,
  type KeyEnvironment,
} from "./key-prefix";
export {
  SECRET_BODY_LENGTH,
  SECRET_CHECKSUM_LENGTH,
  SECRET_MAX_LENGTH,
  displaySecret,
  findSecretsInText,
  looksLikeKeywardSecret,
  parseSecret,
  secretChecksum,
  secretDisplayPrefix,
  type ParsedSecret,
} from "./secret-format";
export {
  ALL_RESOURCES,
  RESOURCE_PATH_MAX_LENGTH,
  RESOURCE_PATH_MAX_SEGMENTS,
  RESOURCE_SEGMENT_CHARACTERS,
  compileResourceFilter,
  describeResourceFilter,
  isAllResources,
  matchResource,
  normalizeResourceFilter,
  validateResourceFilter,
  validateResourcePath,
  type ResourceCheck,
  type ResourceMatcher,
} from "./resource-filter";
export {
  ACTION_LABELS,
  REQUEST_ACTIONS,
  SCOPE_ACTIONS,
  authorize,
  compileScopes,
  describeScope,
  impliedActions,
  isFullAccess,
  isRequestAction,
  isScopeAction,
  normalizeScope,
  scopeKey,
  summarizeScopes,
  validateScope,
  type AuthorizationResult,
  type Authorizer,
  type RequestAction,
  type Scope,
  type ScopeAction,
  type ScopeCheck,
} from "./scopes";
export {
  ALLOW_ALL_CIDRS,
  CIDR_ENTRY_MAX_LENGTH,
  cidrContains,
  coveredFamilies,
  parseCidr,
  parseCidrList,
  parseValidCidrs,
  wildcardFamilies,
  type Cidr,
  type CidrError,
  type CidrListResult,
  type CidrParse,
  type CidrWarning,
  type IpFamily,
} from "./cidr";
export { compileCidrs, ipAllowed, type IpMatcher } from "./cidr-match";
export { describeCidrChange } from "./cidr-change";
export { parseClientAddress, type ClientAddress } from "./ip-address";
export { EXPIRES_SOON_MS, KEY_STATUSES, expiresSoon, keyStatus, type KeyLifetime, type KeyStatus } from "./status";
export {
  DEFAULT_EXPIRY_PRESET,
  EXPIRY_INPUT_MAX_LENGTH,
  EXPIRY_PRESETS,
  EXPIRY_PRESET_VALUES,
  InvalidExpiryError,
  MAX_EXPIRY_DAYS_NUMBER,
  MAX_EXPIRY_YEARS,
  parseCustomExpiry,
  parseExpiry,
  resolveExpiry,
  type ExpiryPreset,
  type ExpiryPresetOption,
  type ExpiryResult,
} from "./expiry";
