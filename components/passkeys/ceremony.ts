"use client";
import {
  startAuthentication,
  startRegistration,
  WebAuthnError,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/browser";
import type { ActionResult } from "@/lib/actions/errors";

export const PASSKEY_CANCELLED = "No passkey was used: the request was cancelled or timed out. Try again.";
export const PASSKEY_UNSUPPORTED = "This browser cannot use passkeys.";

type Ceremony<T> = { ok: true; response: T } | { ok: false; error: string };

function browserError(error: unknown): string {
  if (error instanceof WebAuthnError && error.code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED") {
    return "This passkey is already registered on your account.";
  }
  if (error instanceof Error && (error.name === "NotAllowedError" || error.name === "AbortError")) return PASSKEY_CANCELLED;
  if (typeof window !== "undefined" && !window.PublicKeyCredential) return PASSKEY_UNSUPPORTED;
  return PASSKEY_CANCELLED;
}

/**
 * The browser half of a passkey ceremony: ask the server for options, let the browser and authenticator answer.
 * The options call goes through `run` (the step-up wrapper, where one is needed); the caller sends the response on.
 */
export async function createPasskey(
  options: () => Promise<ActionResult<PublicKeyCredentialCreationOptionsJSON>>,
): Promise<Ceremony<Awaited<ReturnType<typeof startRegistration>>>> {
  const result = await options();
  if (!result.ok) return { ok: false, error: result.error };
  try {
    return { ok: true, response: await startRegistration({ optionsJSON: result.data }) };
  } catch (error) {
    return { ok: false, error: browserError(error) };
  }
}

export async function assertPasskey(
  options: () => Promise<ActionResult<PublicKeyCredentialRequestOptionsJSON>>,
): Promise<Ceremony<Awaited<ReturnType<typeof startAuthentication>>> & { code?: string }> {
  const result = await options();
  if (!result.ok) return { ok: false, error: result.error, code: result.code };
  try {
    return { ok: true, response: await startAuthentication({ optionsJSON: result.data }) };
  } catch (error) {
    return { ok: false, error: browserError(error) };
  }
}
