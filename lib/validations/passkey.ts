import { z } from "zod";
import { text } from "./text";

export const PASSKEY_NAME_MAX = 64;
const NOT_A_RESPONSE = "This is not a passkey response";

/** A base64url field of a WebAuthn response, bounded (the browser library encodes every binary field so). */
const b64url = (max: number) =>
  text()
    .min(1, NOT_A_RESPONSE)
    .max(max, NOT_A_RESPONSE)
    .regex(/^[A-Za-z0-9_-]+$/, NOT_A_RESPONSE);

// Transports the browser reports are hints passed back at sign-in; unknown ones are dropped, not refused.
const KNOWN_TRANSPORTS = ["ble", "cable", "hybrid", "internal", "nfc", "smart-card", "usb"] as const;
type Transport = (typeof KNOWN_TRANSPORTS)[number];
const transports = z
  .array(text().max(32))
  .max(10)
  .optional()
  .transform((list) => (list ?? []).filter((t): t is Transport => (KNOWN_TRANSPORTS as readonly string[]).includes(t)));

const common = {
  id: b64url(1400),
  rawId: b64url(1400),
  type: z.literal("public-key"),
  // Keyward asks for no extensions: whatever the browser reports is dropped.
  clientExtensionResults: z.object({}).optional().default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
};

/** What @simplewebauthn/browser's startRegistration returns. */
export const registrationResponseSchema = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url(4096),
    attestationObject: b64url(32_768),
    authenticatorData: b64url(16_384).optional(),
    publicKey: b64url(4096).optional(),
    publicKeyAlgorithm: z.number().int().optional(),
    transports,
  }),
});

/** What @simplewebauthn/browser's startAuthentication returns. */
export const authenticationResponseSchema = z.object({
  ...common,
  response: z.object({
    clientDataJSON: b64url(4096),
    authenticatorData: b64url(16_384),
    signature: b64url(2048),
    userHandle: b64url(512).optional(),
  }),
});
export type AuthenticationResponseInput = z.infer<typeof authenticationResponseSchema>;

export const passkeyNameSchema = text()
  .trim()
  .min(1, "Name this passkey, like “Work laptop” or “Blue security key”")
  .max(PASSKEY_NAME_MAX, `At most ${PASSKEY_NAME_MAX} characters`);

/** The account page's "Add a passkey" form: the name is typed first, the response comes from the authenticator. */
export const passkeyNameFormSchema = z.object({ name: passkeyNameSchema });
export type PasskeyNameFormInput = z.infer<typeof passkeyNameFormSchema>;

export const registerPasskeySchema = z.object({ name: passkeyNameSchema, response: registrationResponseSchema });
export type RegisterPasskeyInput = z.input<typeof registerPasskeySchema>;

export const passkeyAssertionSchema = z.object({ response: authenticationResponseSchema });
export type PasskeyAssertionInput = z.input<typeof passkeyAssertionSchema>;

export const removePasskeySchema = z.object({
  passkeyId: text({ error: "A passkey id is required" }).regex(/^pky_[A-Za-z0-9]{20}$/, "Not a passkey of this account"),
});
export type RemovePasskeyInput = z.infer<typeof removePasskeySchema>;
