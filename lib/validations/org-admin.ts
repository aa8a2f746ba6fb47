import { z } from "zod";
import { keyPrefixSchema } from "../keys/key-prefix";
import { orgNameSchema } from "./auth";
import { text } from "./text";
import { LEAK_POLICIES } from "../leaks/policy";

export const createOrganizationSchema = z.object({ name: orgNameSchema, keyPrefix: keyPrefixSchema });
export type CreateOrganizationInput = z.infer<typeof createOrganizationSchema>;
export type CreateOrganizationFormValues = z.input<typeof createOrganizationSchema>;

export const switchOrganizationSchema = z.object({
  orgId: text({ error: "Choose an organization" }).regex(/^org_[A-Za-z0-9]{20}$/, "Choose an organization"),
});

export const MAX_LIFETIME_DAYS_LIMIT = 3650;

export const keyPolicySchema = z.object({
  requireExpiry: z.boolean(),
  maxLifetimeDays: z
    .number({ error: "Enter a number of days, or leave it empty for no limit" })
    .int("Enter whole days")
    .min(1, "At least 1 day")
    .max(MAX_LIFETIME_DAYS_LIMIT, `At most ${MAX_LIFETIME_DAYS_LIMIT} days`)
    .nullable(),
  forbidWildcardCidr: z.boolean(),
  forbidFullAccess: z.boolean(),
  requireOwner: z.boolean(),
  requireRateLimit: z.boolean(),
});
export type KeyPolicyInput = z.infer<typeof keyPolicySchema>;

export const leakPolicySchema = z.object({
  leakPolicy: z.enum(LEAK_POLICIES, { error: "Choose what a reported leak does" }),
});
export type LeakPolicyInput = z.infer<typeof leakPolicySchema>;
