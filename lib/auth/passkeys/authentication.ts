import {
  generateAuthenticationOptions,
  verifyAuthenticationResponse,
  type PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { DomainError } from "../../errors";
import type { Db } from "../../db/client";
import type { AuthenticationResponseInput } from "../../validations/passkey";
import { auditFactorEvent, type FactorUser, type Meta } from "../two-factor/audit";
import { throttledCodeAttempt, type SecondFactorResult } from "../two-factor/verify";
import { spendChallenge, storeChallenge, type ChallengeBinding } from "./challenges";
import { splitTransports } from "./registration";
import type { RelyingParty } from "./relying-party";

export const PASSKEY_NOT_ACCEPTED = "That passkey was not accepted. Try again, or use another way to sign in.";

/**
 * Options for navigator.credentials.get. For a member already known (the second step, a step-up) their passkeys
 * are listed and user verification is preferred; for passwordless sign-in none are listed (the authenticator
 * offers its discoverable ones) and user verification is required, since the passkey is then both factors.
 */
export async function passkeyAuthenticationOptions(
  db: Db,
  binding: ChallengeBinding,
  rp: RelyingParty,
  userId?: string,
  now = new Date(),
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const allow = userId
    ? (await db.passkey.findMany({ where: { userId }, select: { credentialId: true, transports: true } })).map((p) => ({
        id: p.credentialId,
        transports: splitTransports(p.transports),
      }))
    : undefined;
  if (userId && allow!.length === 0) throw new DomainError("CONFLICT", "There is no passkey on this account");
  const options = await generateAuthenticationOptions({
    rpID: rp.rpID,
    allowCredentials: allow,
    userVerification: binding.purpose === "sign_in" ? "required" : "preferred",
    timeout: 120_000,
  });
  await storeChallenge(db, options.challenge, binding, now);
  return options;
}

export type AssertionRefusal = "challenge" | "unknown_credential" | "signature" | "counter";
export type AssertionResult =
  | { ok: true; passkey: { id: string; userId: string; name: string } }
  | { ok: false; reason: AssertionRefusal; passkey?: { id: string; userId: string; name: string } };

/**
 * Checks an assertion: the challenge it signed must be one issued for this binding (spent now, whatever the
 * outcome), the credential one of `ownerId`'s (any member's for passwordless sign-in), the signature good for
 * its stored public key, origin and rpID ours, and the signature counter ahead of the stored one when the
 * authenticator counts (else a cloned authenticator may be at work). On success the counter and last use move
 * on in one conditional update, so two concurrent uses of one assertion cannot both pass.
 */
export async function verifyPasskeyAssertion(
  db: Db,
  response: AuthenticationResponseInput,
  binding: ChallengeBinding,
  rp: RelyingParty,
  ownerId: string | null,
  now = new Date(),
): Promise<AssertionResult> {
  const challenge = await spendChallenge(db, response.response.clientDataJSON, binding, now);
  const stored = await db.passkey.findUnique({ where: { credentialId: response.id } });
  const passkey = stored && (ownerId === null || stored.userId === ownerId) ? stored : null;
  const summary = passkey ? { id: passkey.id, userId: passkey.userId, name: passkey.name } : undefined;
  if (!challenge) return { ok: false, reason: "challenge", passkey: summary };
  if (!passkey) return { ok: false, reason: "unknown_credential" };
  let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    verified = await verifyAuthenticationResponse({
      response: { ...response, clientExtensionResults: {} },
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(Buffer.from(passkey.publicKey, "base64url")),
        counter: Number(passkey.counter),
        transports: splitTransports(passkey.transports),
      },
      requireUserVerification: binding.purpose === "sign_in",
    });
  } catch (error) {
    const counter = error instanceof Error && /counter value/i.test(error.message);
    return { ok: false, reason: counter ? "counter" : "signature", passkey: summary };
  }
  if (!verified.verified) return { ok: false, reason: "signature", passkey: summary };
  const moved = await db.passkey.updateMany({
    where: { id: passkey.id, counter: passkey.counter },
    data: {
      counter: BigInt(verified.authenticationInfo.newCounter),
      lastUsedAt: now,
      backedUp: verified.authenticationInfo.credentialBackedUp,
    },
  });
  if (moved.count !== 1) return { ok: false, reason: "counter", passkey: summary };
  return { ok: true, passkey: summary! };
}

/**
 * A passkey as the member's second factor (the second step of signing in, or a step-up): throttled per member
 * and per address like codes, failures and throttling audited. Returns a result like checkSecondFactor.
 */
export async function checkPasskeyFactor(
  db: Db,
  user: FactorUser,
  response: AuthenticationResponseInput,
  binding: ChallengeBinding,
  rp: RelyingParty,
  meta: Meta,
  now = new Date(),
): Promise<SecondFactorResult> {
  if ((await db.passkey.count({ where: { userId: user.id } })) === 0) {
    return { ok: false, code: "NO_SECOND_FACTOR", error: "There is no passkey on this account" };
  }
  let refusal: AssertionRefusal | null = null;
  let ok: true | null;
  try {
    ok = await throttledCodeAttempt(
      db,
      user.id,
      meta.ip,
      async () => {
        const result = await verifyPasskeyAssertion(db, response, binding, rp, user.id, now);
        if (result.ok) return true as const;
        refusal = result.reason;
        return null;
      },
      now,
    );
  } catch (error) {
    if (error instanceof DomainError && error.code === "RATE_LIMITED") {
      await auditFactorEvent(db, user, "user.second_factor_throttled", meta, { purpose: binding.purpose, factor: "passkey" }, "denied");
      return { ok: false, code: "RATE_LIMITED", error: error.message };
    }
    throw error;
  }
  if (!ok) {
    await auditFactorEvent(
      db,
      user,
      "user.second_factor_failed",
      meta,
      { purpose: binding.purpose, factor: "passkey", reason: refusal },
      "failed",
    );
    return { ok: false, code: "INVALID_CODE", error: PASSKEY_NOT_ACCEPTED };
  }
  const recoveryCodesLeft = await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } });
  return { ok: true, method: "passkey", recoveryCodesLeft };
}
