import { z } from "zod";

/** An organisation's secret prefix, e.g. "kw": lowercase, starts with a letter, 2–8 characters. */
export const KEY_PREFIX_PATTERN = /^[a-z][a-z0-9]{1,7}$/;
export const KEY_PREFIX_MIN = 2;
export const KEY_PREFIX_MAX = 8;

export const KEY_ENVIRONMENTS = ["live", "test"] as const;
export type KeyEnvironment = (typeof KEY_ENVIRONMENTS)[number];

export const keyPrefixSchema = z
  .string({ error: "Enter a key prefix" })
  .trim()
  .min(KEY_PREFIX_MIN, `The prefix needs at least ${KEY_PREFIX_MIN} characters`)
  .max(KEY_PREFIX_MAX, `The prefix can have at most ${KEY_PREFIX_MAX} characters`)
  .regex(/^[a-z]/, "The prefix must start with a lowercase letter")
  .regex(/^[a-z0-9]*$/, "Use only lowercase letters and digits in the prefix");

export const keyEnvironmentSchema = z.enum(KEY_ENVIRONMENTS, {
  error: 'Environment must be "live" or "test"',
});

export function isKeyPrefix(value: unknown): value is string {
  return typeof value === "string" && KEY_PREFIX_PATTERN.test(value);
}

export function isKeyEnvironment(value: unknown): value is KeyEnvironment {
  return value === "live" || value === "test";
}
