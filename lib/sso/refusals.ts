// The codes an SSO sign-in is refused with: the callback redirects to /login?sso_error=<code>, and the sign-in page
// shows the sentence. Nothing else (no provider message, no email) goes into the URL.
export const SSO_ERRORS = {
  state: "This single sign-on was not started in this browser, was already used, or took too long. Start again.",
  provider: "Your sign-in provider did not sign you in.",
  token: "Your sign-in provider's answer could not be verified, so you were not signed in.",
  email: "Your sign-in provider did not give an email address.",
  unverified: "Your sign-in provider has not verified your email address, so you were not signed in.",
  domain: "Your email address's domain may not join this organization. Ask an admin to invite you.",
  disabled: "Single sign-on is turned off for this organization.",
  failed: "Single sign-on failed. Try again.",
} as const;

export type SsoErrorCode = keyof typeof SSO_ERRORS;

export function ssoErrorMessage(code: string | string[] | undefined): string | null {
  const value = Array.isArray(code) ? code[0] : code;
  return value && Object.hasOwn(SSO_ERRORS, value) ? SSO_ERRORS[value as SsoErrorCode] : null;
}
