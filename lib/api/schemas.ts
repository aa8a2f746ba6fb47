// Request schemas of the management API that are not the console's own (those are reused as they are from
// lib/validations/key.ts), and response schemas for the OpenAPI document. Handlers parse with these.
import { z } from "zod";
import type { KeyView } from "../api-keys/serialize";
import { KEY_STATUSES, SCOPE_ACTIONS } from "../keys/universal";
import { revokeKeySchema, rotateKeySchema } from "../validations/key";
import { text } from "../validations/text";
import type { KeyUsageReport } from "./key-usage";
import { API_ERROR_CODES } from "./errors";

/** POST /keys/{id}/rotate. Without a grace period the old secret stops working at once. */
export const rotateBodySchema = z.object({
  grace: rotateKeySchema.shape.grace.default("none"),
});

/** POST /keys/{id}/revoke. The API does not ask for the typed name: the CLI confirms before calling. */
export const revokeBodySchema = z.object({
  reason: revokeKeySchema.shape.reason,
});

export const LEAK_TEXT_MAX = 1_000_000;

/** POST /keys/revoke-leaked: any text (a log, a paste, a file); every key of the organization found in it is revoked. */
export const revokeLeakedBodySchema = z.object({
  text: text({ error: "Send the text to scan as `text`" }, { mayHoldSecret: true })
    .min(1, "Send the text to scan as `text`")
    .max(LEAK_TEXT_MAX, `The text can be at most ${LEAK_TEXT_MAX.toLocaleString("en")} characters`),
  reason: revokeKeySchema.shape.reason,
  dryRun: z.boolean({ error: "dryRun must be true or false" }).default(false),
});

// ---------------------------------------------------------------------------
// Responses. The `satisfies` checks below keep these in step with the TypeScript types the handlers return.

const scopeSchema = z.object({ action: z.enum(SCOPE_ACTIONS), resourceFilter: z.string() });
const isoDate = z.string().meta({ format: "date-time" });

export const keyViewSchema = z
  .object({
    id: z.string().meta({ example: "key_4fG7hJ2kL9mN0pQ1rS3t" }),
    name: z.string(),
    description: z.string(),
    environment: z.string(),
    display: z.string().meta({ description: "Safe-to-show form of the current secret", example: "kw_live_…a1b2" }),
    status: z.enum(KEY_STATUSES),
    enabled: z.boolean().meta({ description: "false while disabled: verifications answer DISABLED until it is enabled again" }),
    disabledAt: isoDate.nullable(),
    disabledBy: z.string().nullable(),
    owner: z.string().nullable().meta({ description: "Whom the key serves: free text or an external id" }),
    tags: z.array(z.string()),
    meta: z
      .record(z.string(), z.unknown())
      .meta({ description: "A JSON object of at most 4 KB, returned on every successful verification" }),
    rateLimits: z
      .array(
        z.object({ name: z.string(), limit: z.number().int(), duration: z.number().int().meta({ description: "Window length in ms" }) }),
      )
      .meta({ description: "The key's own named limits; its tier's apply where it has none of the same name" }),
    tier: z.string().nullable().meta({ description: "The tier the key is on (its limits and quota apply where the key sets none)" }),
    quota: z
      .number()
      .int()
      .nullable()
      .meta({ description: "Credits per period (the first one from quotaSetAt); null: unlimited, or the tier's" }),
    refill: z
      .object({ interval: z.enum(["daily", "monthly"]), amount: z.number().int() })
      .nullable()
      .meta({ description: "Refills to `amount` every day / month counted from quotaSetAt" }),
    quotaSetAt: isoDate.nullable(),
    expiresSoon: z.boolean(),
    scopes: z.array(scopeSchema),
    cidrs: z.array(z.string()),
    createdAt: isoDate,
    createdBy: z.string(),
    updatedAt: isoDate,
    expiresAt: isoDate.nullable(),
    revokedAt: isoDate.nullable(),
    revokedBy: z.string().nullable(),
    revokeReason: z.string().nullable(),
    lastUsedAt: isoDate.nullable(),
    lastUsedIp: z.string().nullable(),
    lastUsedUserAgent: z.string().nullable(),
    secrets: z
      .array(
        z.object({
          id: z.string(),
          display: z.string(),
          createdAt: isoDate,
          supersededAt: isoDate.nullable(),
          validUntil: isoDate.nullable(),
          current: z.boolean(),
        }),
      )
      .optional()
      .meta({ description: "The current secret and any still in a rotation's grace period (display form only)" }),
  })
  .meta({ id: "Key" });

const warnings = z.array(z.string()).meta({ description: "Worth showing before relying on the key, e.g. no expiry" });
const secret = z.string().meta({ description: "The secret. Shown this once; store it now, it cannot be retrieved again" });

export const keyListResponseSchema = z.object({ data: z.array(keyViewSchema), nextCursor: z.string().nullable() });
export const keyResponseSchema = z.object({ key: keyViewSchema });

const tierViewSchema = keyViewSchema
  .pick({ rateLimits: true, quota: true, refill: true, quotaSetAt: true })
  .extend({ id: z.string(), name: z.string() })
  .meta({ id: "Tier" });
export const tierResponseSchema = z.object({ tier: tierViewSchema });
export const tierListResponseSchema = z.object({ tiers: z.array(tierViewSchema) });
export const whoamiResponseSchema = z.object({
  key: keyViewSchema,
  organization: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
});
export const createdKeyResponseSchema = z.object({ secret, key: keyViewSchema, warnings });
export const updatedKeyResponseSchema = z.object({ key: keyViewSchema, warnings });
export const rotatedKeyResponseSchema = z.object({
  secret,
  key: keyViewSchema,
  previousSecretValidUntil: isoDate.nullable().meta({ description: "Until when the old secret still works; null when it stopped at once" }),
});
const leakEntry = z.object({ id: z.string(), name: z.string(), display: z.string(), secretIsCurrent: z.boolean() });
export const revokeLeakedResponseSchema = z.object({
  revoked: z.array(leakEntry).meta({ description: "Keys revoked by this request (or that would be, with dryRun)" }),
  alreadyRevoked: z.array(leakEntry),
  unknownCount: z.number().int().meta({ description: "Keyward-shaped secrets in the text that are not this organization's" }),
  dryRun: z.boolean(),
});

export const usageResponseSchema = z
  .object({
    keyId: z.string(),
    days: z.number().int(),
    from: isoDate,
    to: isoDate,
    totals: z.object({ requests: z.number().int(), allowed: z.number().int(), denied: z.number().int(), averagePerDay: z.number() }),
    byOutcome: z.record(z.string(), z.number().int()),
    daily: z.array(
      z.object({
        date: z.string().meta({ format: "date" }),
        requests: z.number().int(),
        allowed: z.number().int(),
        denied: z.number().int(),
      }),
    ),
    lastUsed: z.object({ at: isoDate.nullable(), ip: z.string().nullable(), userAgent: z.string().nullable() }),
  })
  .meta({ id: "KeyUsage" });

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.enum(API_ERROR_CODES),
      message: z.string(),
      details: z
        .record(z.string(), z.unknown())
        .optional()
        .meta({ description: "Per-field messages for VALIDATION; never present for INTERNAL" }),
    }),
  })
  .meta({ id: "Error" });

export type RevokeLeakedResponse = z.infer<typeof revokeLeakedResponseSchema>;

// Compile-time: the response schemas describe exactly what the services return.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const keyViewMatches: Same<z.infer<typeof keyViewSchema>, KeyView> = true;
const usageMatches: Same<z.infer<typeof usageResponseSchema>, KeyUsageReport> = true;
void keyViewMatches;
void usageMatches;
