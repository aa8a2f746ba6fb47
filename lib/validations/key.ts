// Shared zod schemas for the key forms and the API routes that receive them.
// Imports only the browser-safe parts of lib/keys (never node:crypto), so client
// components can use these schemas too.
import { z } from "zod";
import { text } from "./text";
import { quotaSchema, rateLimitsSchema, refillSchema, tierNameSchema } from "./ratelimits";
import { parseCidrList } from "../keys/cidr";
import { EXPIRY_PRESET_VALUES, parseCustomExpiry, parseExpiry, InvalidExpiryError } from "../keys/expiry";
import { keyEnvironmentSchema, keyPrefixSchema, type KeyEnvironment } from "../keys/key-prefix";
import { RESOURCE_PATH_MAX_LENGTH, validateResourceFilter } from "../keys/resource-filter";
import { SCOPE_ACTIONS, describeScope, isFullAccess, normalizeScope, scopeKey, type Scope } from "../keys/scopes";

export { keyPrefixSchema };

export const KEY_NAME_MAX = 64;
export const DESCRIPTION_MAX = 500;
export const REASON_MAX = 500;
export const MAX_SCOPES = 20;
export const MAX_CIDRS = 50;
export const RESOURCE_FILTER_MAX = RESOURCE_PATH_MAX_LENGTH;
export const BULK_REVOKE_MAX = 100;
export const OWNER_MAX = 128;
export const MAX_TAGS = 10;
export const TAG_MAX = 32;
export const META_MAX_BYTES = 4096;
export const TAG_PATTERN = /^[a-z0-9][a-z0-9_:.-]*$/;
export const NO_SECRETS_HINT = "Returned to every service that verifies the key: never put secrets here.";

export const KEY_ID_PATTERN = /^key_[A-Za-z0-9]{20}$/;

export const keyIdSchema = text({ error: "A key id is required" }).regex(KEY_ID_PATTERN, "That is not a valid key id");

// Control characters, private-use and unpaired surrogates, line/paragraph separators and
// invisible format characters (zero-width spaces, bidi overrides). The zero-width joiner
// stays allowed because emoji sequences need it.
const UNPRINTABLE_NAME = /[\p{Cc}\p{Co}\p{Cs}\p{Zl}\p{Zp}]|(?!\u200d)\p{Cf}/u;
const UNPRINTABLE_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;

export const keyNameSchema = text({ error: "Give the key a name" })
  .trim()
  .min(1, { error: "Give the key a name", abort: true })
  .max(KEY_NAME_MAX, { error: `Keep the name to ${KEY_NAME_MAX} characters or fewer`, abort: true })
  .refine((name) => !UNPRINTABLE_NAME.test(name), "The name can't contain control or invisible characters")
  .normalize("NFC");

export const descriptionSchema = text({ error: "The description must be text" })
  .trim()
  .max(DESCRIPTION_MAX, { error: `Keep the description to ${DESCRIPTION_MAX} characters or fewer`, abort: true })
  .refine((text) => !UNPRINTABLE_TEXT.test(text), "The description can't contain control characters");

const reasonSchema = text({ error: "The reason must be text" })
  .trim()
  .max(REASON_MAX, { error: `Keep the reason to ${REASON_MAX} characters or fewer`, abort: true })
  .refine((text) => !UNPRINTABLE_TEXT.test(text), "The reason can't contain control characters");

// Owner, tags and meta are returned by every successful verification: plain labels, never secrets (text()
// refuses a pasted Keyward secret in each of them, meta's JSON text included).

/** Free text or an external id (a customer, a service); "" means none. */
export const ownerSchema = text({ error: "The owner must be text" })
  .trim()
  .max(OWNER_MAX, { error: `Keep the owner to ${OWNER_MAX} characters or fewer`, abort: true })
  .refine((owner) => !UNPRINTABLE_NAME.test(owner), "The owner can't contain control or invisible characters")
  .normalize("NFC");

const tagSchema = text({ error: "Each tag must be text" })
  .trim()
  .toLowerCase()
  .min(1, { error: "A tag can't be empty", abort: true })
  .max(TAG_MAX, { error: `Keep each tag to ${TAG_MAX} characters or fewer`, abort: true })
  .regex(TAG_PATTERN, "Tags use lowercase letters, digits and - _ : . (starting with a letter or digit)");

/** One tag to filter a list by. */
export const tagFilterSchema = tagSchema;

/** A list, or (from a form) one text with the tags separated by commas or spaces. Saved sorted, duplicates once. */
export const tagsSchema = z.preprocess(
  (value) => (typeof value === "string" ? value.split(/[\s,]+/).filter((tag) => tag !== "") : value),
  z
    .array(tagSchema, { error: "Tags must be a list" })
    .max(MAX_TAGS, `A key can have at most ${MAX_TAGS} tags`)
    .transform((tags) => [...new Set(tags)].sort()),
);

export const META_NOT_OBJECT = 'Meta must be a JSON object, such as {"plan": "pro"}';

function utf8Bytes(value: string): number {
  return new TextEncoder().encode(value).length;
}

/**
 * A JSON object, sent as one (the API) or as its JSON text (the console's form; "" means {}). Stored as its
 * compact JSON text, which is what this returns.
 */
export const metaSchema = z.preprocess(
  (value) => (value !== null && typeof value === "object" && !Array.isArray(value) ? JSON.stringify(value) : value),
  text({ error: META_NOT_OBJECT })
    .trim()
    .transform((json, ctx) => {
      if (json === "") return "{}";
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch {
        ctx.addIssue({ code: "custom", message: `That is not valid JSON. ${META_NOT_OBJECT}` });
        return z.NEVER;
      }
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        ctx.addIssue({ code: "custom", message: META_NOT_OBJECT });
        return z.NEVER;
      }
      const compact = JSON.stringify(value);
      if (utf8Bytes(compact) > META_MAX_BYTES) {
        ctx.addIssue({ code: "custom", message: `Meta is limited to ${META_MAX_BYTES} bytes of JSON (this is ${utf8Bytes(compact)})` });
        return z.NEVER;
      }
      return compact;
    }),
);

export const EXPIRY_CHOICES = [...EXPIRY_PRESET_VALUES, "custom"] as const;
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number];

function expirySchemaAt(now: () => Date) {
  return z
    .object({
      preset: z.enum(EXPIRY_CHOICES, { error: "Choose when the key expires" }),
      customAt: text({ error: "Pick a date and time" }).optional(),
    })
    .superRefine((expiry, ctx) => {
      if (expiry.preset !== "custom") return;
      const result = parseCustomExpiry(expiry.customAt, now());
      if (!result.ok) ctx.addIssue({ code: "custom", message: result.error, path: ["customAt"] });
    });
}

export const scopeInputSchema = z.object({
  action: z.enum(SCOPE_ACTIONS, { error: "Choose an action: read, write, admin or any action (*)" }),
  resourceFilter: text({ error: "Enter a resource filter, or leave it blank for all resources" })
    .trim()
    .superRefine((filter, ctx) => {
      const result = validateResourceFilter(filter);
      if (!result.ok) ctx.addIssue({ code: "custom", message: result.error });
    }),
});

export const scopesSchema = z
  .array(scopeInputSchema, { error: "Add at least one scope" })
  .min(1, "Add at least one scope")
  .max(MAX_SCOPES, `A key can have at most ${MAX_SCOPES} scopes`);

function isBlank(line: string): boolean {
  return line.trim() === "";
}

/** Allowed IPs, one entry per item; blank items are ignored and an empty list allows every address. */
export const cidrsSchema = z
  .array(text({ error: "Each entry must be text" }), { error: "Allowed IPs must be a list" })
  .superRefine((lines, ctx) => {
    const count = lines.filter((line) => !isBlank(line)).length;
    if (count > MAX_CIDRS) {
      ctx.addIssue({ code: "custom", message: `List at most ${MAX_CIDRS} IP ranges (you have ${count})` });
      return;
    }
    for (const error of parseCidrList(lines).errors) {
      ctx.addIssue({ code: "custom", message: error.message, path: [error.index] });
    }
  });

const REFILL_NEEDS_QUOTA = "A refill needs a quota";

/** The create-key schema with an injectable clock (for tests); createKeySchema uses the real one. */
export function createKeySchemaAt(now: () => Date) {
  return z
    .object({
      name: keyNameSchema,
      description: descriptionSchema.default(""),
      expiry: expirySchemaAt(now),
      scopes: scopesSchema,
      cidrs: cidrsSchema.default([]),
      environment: keyEnvironmentSchema.default("live"),
      owner: ownerSchema.default(""),
      tags: tagsSchema.default([]),
      meta: metaSchema.default("{}"),
      rateLimits: rateLimitsSchema.default([]),
      /** A tier's name ("" for none): its limits and quota apply where the key sets none of its own. */
      tier: tierNameSchema.default(""),
      quota: quotaSchema.default(null),
      refill: refillSchema.default(null),
    })
    .superRefine((key, ctx) => {
      if (key.refill && key.quota === null) ctx.addIssue({ code: "custom", message: REFILL_NEEDS_QUOTA, path: ["refill"] });
    });
}

export const createKeySchema = createKeySchemaAt(() => new Date());
export type CreateKeyInput = z.input<typeof createKeySchema>;
export type CreateKeyValues = z.output<typeof createKeySchema>;

/** The edit schema: every field optional except keyId. The environment is fixed at creation. */
export function editKeySchemaAt(now: () => Date) {
  return z
    .object({
      keyId: keyIdSchema,
      name: keyNameSchema.optional(),
      description: descriptionSchema.optional(),
      expiry: expirySchemaAt(now).optional(),
      scopes: scopesSchema.optional(),
      cidrs: cidrsSchema.optional(),
      owner: ownerSchema.optional(),
      tags: tagsSchema.optional(),
      meta: metaSchema.optional(),
      rateLimits: rateLimitsSchema.optional(),
      tier: tierNameSchema.optional(),
      /** null removes the quota (unlimited); any number sets it afresh. */
      quota: quotaSchema.optional(),
      refill: refillSchema.optional(),
    })
    .superRefine((edit, ctx) => {
      const { keyId: _keyId, ...changes } = edit;
      if (Object.values(changes).every((value) => value === undefined)) {
        ctx.addIssue({ code: "custom", message: "There is nothing to change" });
      }
      if (edit.refill && edit.quota === null) ctx.addIssue({ code: "custom", message: REFILL_NEEDS_QUOTA, path: ["refill"] });
    });
}

export const editKeySchema = editKeySchemaAt(() => new Date());
export type EditKeyInput = z.input<typeof editKeySchema>;
export type EditKeyValues = z.output<typeof editKeySchema>;

export const GRACE_VALUES = ["none", "1h", "24h", "7d"] as const;
export type GracePeriod = (typeof GRACE_VALUES)[number];

export interface GracePeriodOption {
  value: GracePeriod;
  label: string;
  /** How long the old secret keeps working after rotation. */
  ms: number;
  default?: true;
}

export const GRACE_PERIODS: readonly GracePeriodOption[] = [
  { value: "none", label: "No grace period: the old secret stops working now", ms: 0 },
  { value: "1h", label: "1 hour", ms: 60 * 60 * 1000 },
  { value: "24h", label: "24 hours", ms: 24 * 60 * 60 * 1000, default: true },
  { value: "7d", label: "7 days", ms: 7 * 24 * 60 * 60 * 1000 },
];

export function graceMs(grace: GracePeriod): number {
  return GRACE_PERIODS.find((option) => option.value === grace)?.ms ?? 0;
}

export const rotateKeySchema = z.object({
  keyId: keyIdSchema,
  grace: z.enum(GRACE_VALUES, { error: "Choose how long the old secret keeps working" }),
});
export type RotateKeyValues = z.output<typeof rotateKeySchema>;

export const SECRET_ID_PATTERN = /^sec_[A-Za-z0-9]{20}$/;

/** Ends a rotated-out secret's grace period now (it leaked, say): the key and its current secret stay. */
export const expireGraceSecretSchema = z.object({
  keyId: keyIdSchema,
  secretId: z.string({ error: "A secret id is required" }).regex(SECRET_ID_PATTERN, "That is not a valid secret id"),
});
export type ExpireGraceSecretValues = z.output<typeof expireGraceSecretSchema>;

/** Disable (reversible containment) or enable a key again. */
export const setKeyEnabledSchema = z.object({
  keyId: keyIdSchema,
  enabled: z.boolean({ error: "Say whether the key is enabled: true or false" }),
});
export type SetKeyEnabledValues = z.output<typeof setKeyEnabledSchema>;

export const revokeContextSchema = z.object({ keyId: keyIdSchema });

/** A proposed scope and/or allowed-IP change, checked against the key's recorded traffic before saving. */
export const editImpactSchema = z.object({ keyId: keyIdSchema, scopes: scopesSchema.optional(), cidrs: cidrsSchema.optional() });
export type EditImpactValues = z.output<typeof editImpactSchema>;

/** Shapes the request only; the server checks confirmNameMatches against the stored name. */
export const revokeKeySchema = z.object({
  keyId: keyIdSchema,
  confirmName: text({ error: "Type the key's name to confirm" })
    .trim()
    .min(1, { error: "Type the key's name to confirm", abort: true })
    .max(KEY_NAME_MAX, { error: "That doesn't match the key's name", abort: true })
    .normalize("NFC"),
  reason: reasonSchema.optional(),
  /** Started from a leak (the keys search's lookup, the review's scan): recorded as the audit event's source. */
  fromLeak: z.boolean().optional(),
});
export type RevokeKeyValues = z.output<typeof revokeKeySchema>;

/** Exact match after trimming and Unicode normalisation (case matters). */
export function confirmNameMatches(confirmName: string, keyName: string): boolean {
  return confirmName.trim().normalize("NFC") === keyName.trim().normalize("NFC");
}

/** The phrase a person types to confirm a bulk revoke: "revoke 3 keys" ("revoke 1 key"). */
export function bulkRevokePhrase(count: number): string {
  return `revoke ${count} ${count === 1 ? "key" : "keys"}`;
}

function samePhrase(typed: string, expected: string): boolean {
  return typed.trim().replace(/\s+/g, " ").toLowerCase() === expected;
}

/** The client's check before it enables the bulk revoke button; the schema checks the same on the server. */
export function bulkPhraseMatches(typed: string, count: number): boolean {
  return samePhrase(typed, bulkRevokePhrase(count));
}

export const bulkRevokeSchema = z
  .object({
    keyIds: z
      .array(keyIdSchema, { error: "Select the keys to revoke" })
      .min(1, "Select at least one key")
      .max(BULK_REVOKE_MAX, `You can revoke at most ${BULK_REVOKE_MAX} keys at once`)
      .superRefine((ids, ctx) => {
        const seen = new Set<string>();
        ids.forEach((id, index) => {
          if (seen.has(id)) ctx.addIssue({ code: "custom", message: "This key is selected twice", path: [index] });
          seen.add(id);
        });
      }),
    confirmation: text({ error: "Type the confirmation phrase" }).max(40, {
      error: "That doesn't match the confirmation phrase",
      abort: true,
    }),
    reason: reasonSchema.optional(),
  })
  .superRefine(({ keyIds, confirmation }, ctx) => {
    const phrase = bulkRevokePhrase(keyIds.length);
    if (!samePhrase(confirmation, phrase)) {
      ctx.addIssue({ code: "custom", message: `Type "${phrase}" to confirm`, path: ["confirmation"] });
    }
  });
export type BulkRevokeValues = z.output<typeof bulkRevokeSchema>;

// ---------------------------------------------------------------------------
// From validated form values to the domain values that are stored.

interface NormalizedScopes {
  scopes: Scope[];
  warnings: string[];
}

function normalizeScopeList(inputs: readonly { action: Scope["action"]; resourceFilter: string }[]): NormalizedScopes {
  const unique = new Map<string, Scope>();
  const warnings: string[] = [];
  for (const input of inputs) {
    const scope = normalizeScope(input);
    if (!scope) throw new TypeError(`Invalid scope ${JSON.stringify(input)}; parse the input with the schema first`);
    const key = scopeKey(scope);
    if (unique.has(key)) warnings.push(`${describeScope(scope)} is listed twice; it is saved once`);
    else unique.set(key, scope);
  }
  const scopes = [...unique.values()];
  if (isFullAccess(scopes)) warnings.push("This key has full access: any action on all resources");
  return { scopes, warnings };
}

interface NormalizedCidrs {
  cidrs: string[];
  warnings: string[];
}

function normalizeCidrList(lines: readonly string[]): NormalizedCidrs {
  const result = parseCidrList(lines);
  if (result.errors.length > 0) {
    throw new TypeError(`Invalid allowed IPs: ${result.errors[0].message}; parse the input with the schema first`);
  }
  return { cidrs: result.cidrs, warnings: result.warnings.map((warning) => warning.message) };
}

function resolveExpiryChoice(expiry: { preset: ExpiryChoice; customAt?: string }, now: Date): Date | null {
  const result = expiry.preset === "custom" ? parseCustomExpiry(expiry.customAt, now) : parseExpiry(expiry.preset, now);
  if (!result.ok) throw new InvalidExpiryError(result.error);
  return result.expiresAt;
}

const NO_EXPIRY_WARNING = "This key never expires; consider setting an expiry date";

export interface NormalizedCreateKey {
  name: string;
  description: string;
  environment: KeyEnvironment;
  expiresAt: Date | null;
  scopes: Scope[];
  cidrs: string[];
  owner: string | null;
  tags: string[];
  meta: string;
  limits: NormalizedLimits;
  warnings: string[];
}

/** Rate limits as stored (JSON text), the tier by name (resolved by the service), the quota and its refill. */
export interface NormalizedLimits {
  rateLimits?: string;
  tier?: string;
  quota?: number | null;
  refill?: { interval: "daily" | "monthly"; amount?: number } | null;
}

function normalizeLimits(parsed: Partial<Pick<CreateKeyValues, "rateLimits" | "tier" | "quota" | "refill">>): NormalizedLimits {
  const limits: NormalizedLimits = {};
  if (parsed.rateLimits !== undefined) limits.rateLimits = JSON.stringify(parsed.rateLimits);
  if (parsed.tier !== undefined) limits.tier = parsed.tier;
  if (parsed.quota !== undefined) limits.quota = parsed.quota;
  if (parsed.refill !== undefined) limits.refill = parsed.refill;
  return limits;
}

/**
 * Turns createKeySchema output into stored values: expiry resolved against `now`, scopes
 * in canonical form without duplicates, CIDRs canonical (ALLOW_ALL_CIDRS when empty), and
 * warnings worth showing before saving. Throws InvalidExpiryError if a custom expiry has
 * passed since the input was validated.
 */
export function normalizeCreateKeyInput(parsed: CreateKeyValues, now: Date): NormalizedCreateKey {
  const expiresAt = resolveExpiryChoice(parsed.expiry, now);
  const scopes = normalizeScopeList(parsed.scopes);
  const cidrs = normalizeCidrList(parsed.cidrs);
  return {
    name: parsed.name,
    description: parsed.description,
    environment: parsed.environment,
    expiresAt,
    scopes: scopes.scopes,
    cidrs: cidrs.cidrs,
    owner: parsed.owner || null,
    tags: parsed.tags,
    meta: parsed.meta,
    limits: normalizeLimits(parsed),
    warnings: [...scopes.warnings, ...cidrs.warnings, ...(expiresAt === null ? [NO_EXPIRY_WARNING] : [])],
  };
}

export interface NormalizedKeyChanges {
  name?: string;
  description?: string;
  expiresAt?: Date | null;
  scopes?: Scope[];
  cidrs?: string[];
  owner?: string | null;
  tags?: string[];
  meta?: string;
  limits?: NormalizedLimits;
}

export interface NormalizedEditKey {
  keyId: string;
  changes: NormalizedKeyChanges;
  warnings: string[];
}

/** Like normalizeCreateKeyInput for an edit: only the fields present are returned in `changes`. */
export function normalizeEditKeyInput(parsed: EditKeyValues, now: Date): NormalizedEditKey {
  const changes: NormalizedKeyChanges = {};
  const warnings: string[] = [];
  if (parsed.name !== undefined) changes.name = parsed.name;
  if (parsed.description !== undefined) changes.description = parsed.description;
  if (parsed.expiry !== undefined) {
    changes.expiresAt = resolveExpiryChoice(parsed.expiry, now);
    if (changes.expiresAt === null) warnings.push(NO_EXPIRY_WARNING);
  }
  if (parsed.scopes !== undefined) {
    const scopes = normalizeScopeList(parsed.scopes);
    changes.scopes = scopes.scopes;
    warnings.push(...scopes.warnings);
  }
  if (parsed.cidrs !== undefined) {
    const cidrs = normalizeCidrList(parsed.cidrs);
    changes.cidrs = cidrs.cidrs;
    warnings.push(...cidrs.warnings);
  }
  if (parsed.owner !== undefined) changes.owner = parsed.owner || null;
  if (parsed.tags !== undefined) changes.tags = parsed.tags;
  if (parsed.meta !== undefined) changes.meta = parsed.meta;
  const limits = normalizeLimits(parsed);
  if (Object.keys(limits).length > 0) changes.limits = limits;
  return { keyId: parsed.keyId, changes, warnings };
}
