import type { Control } from "react-hook-form";
import type { KeyEnvironment } from "@/lib/keys/universal";
import type { CreateKeyInput, ExpiryChoice } from "@/lib/validations/key";

/**
 * The fields the create and edit forms share. Create validates them with createKeySchema as they are;
 * edit adds a "keep" expiry and maps to editKeySchema before validating (see edit-key-form.tsx).
 */
export interface KeyFormValues {
  name: string;
  description: string;
  expiry: { preset: ExpiryChoice | "keep"; customAt?: string };
  scopes: NonNullable<CreateKeyInput["scopes"]>;
  cidrs: string[];
  owner: string;
  /** As typed: comma- or space-separated (tagsSchema splits it). */
  tags: string;
  /** JSON text (metaSchema parses it). */
  meta: string;
  /** One limit per line as name=limit/duration (rateLimitsSchema parses it). */
  rateLimits: string;
  /** A tier's name, "" for none. */
  tier: string;
  /** Credits as typed; "" is unlimited. */
  quota: string;
  refill: { interval: "" | "daily" | "monthly"; amount: string };
  /** Create only: the environment is fixed at creation. */
  environment?: KeyEnvironment;
}

/** The form control the shared field components take; create and edit differ only in their parsed output type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type KeyFormControl = Control<KeyFormValues, unknown, any>;
