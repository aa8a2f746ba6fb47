import {
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON,
} from "@simplewebauthn/server";
import { DomainError } from "../../errors";
import type { Db } from "../../db/client";
import { newId } from "../../ids";
import type { RegisterPasskeyInput } from "../../validations/passkey";
import { auditFactorEvent, type FactorUser, type Meta } from "../two-factor/audit";
import { replaceRecoveryCodes } from "../two-factor/enrolment";
import { userHasSecondFactor } from "../two-factor/status";
import { spendChallenge, storeChallenge } from "./challenges";
import type { RelyingParty } from "./relying-party";

export const MAX_PASSKEYS = 20;
export const NOT_REGISTERED = "This passkey could not be registered. Start again and use the passkey when your browser asks.";
export const ALREADY_REGISTERED = "This passkey is already registered";
export const TOO_MANY_PASSKEYS = `An account holds at most ${MAX_PASSKEYS} passkeys: remove one first`;
export const PASSKEY_NOT_FOUND = "There is no such passkey on your account";

/** The member's own id as the WebAuthn user handle: opaque, stable, and how a discoverable passkey names its member. */
export const userHandleOf = (userId: string) => new TextEncoder().encode(userId);

/**
 * Options for navigator.credentials.create: the member's existing passkeys excluded (one authenticator, one
 * registration), a resident key and user verification preferred, no attestation (Keyward trusts any
 * authenticator the member chooses). The challenge is stored for this session only.
 */
export async function passkeyRegistrationOptions(
  db: Db,
  user: FactorUser & { name?: string },
  sessionId: string,
  rp: RelyingParty,
  now = new Date(),
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await db.passkey.findMany({ where: { userId: user.id }, select: { credentialId: true, transports: true } });
  if (existing.length >= MAX_PASSKEYS) throw new DomainError("CONFLICT", TOO_MANY_PASSKEYS);
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.rpID,
    userName: user.email,
    userID: userHandleOf(user.id),
    userDisplayName: user.name || user.email,
    attestationType: "none",
    timeout: 120_000,
    excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: splitTransports(p.transports) })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
  await storeChallenge(db, options.challenge, { purpose: "register", sessionId }, now);
  return options;
}

export function splitTransports(stored: string): string[] | undefined {
  return stored ? stored.split(",") : undefined;
}

/**
 * Verifies the authenticator's answer to this session's challenge (spent either way) and stores the public key
 * under the given name. The first second factor of the account comes with ten recovery codes, returned once.
 */
export async function registerPasskey(
  db: Db,
  user: FactorUser,
  sessionId: string,
  input: RegisterPasskeyInput & { name: string },
  rp: RelyingParty,
  meta: Meta,
  now = new Date(),
): Promise<{ passkeyId: string; recoveryCodes: string[] | null }> {
  const { response } = input;
  const challenge = await spendChallenge(db, response.response.clientDataJSON, { purpose: "register", sessionId }, now);
  let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>> | null = null;
  if (challenge) {
    try {
      verified = await verifyRegistrationResponse({
        response: { ...response, clientExtensionResults: {} },
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpID,
        // "preferred": a security key without a PIN is still a good second factor.
        requireUserVerification: false,
      });
    } catch {
      verified = null;
    }
  }
  if (!verified?.verified) {
    await auditFactorEvent(db, user, "user.second_factor_failed", meta, { purpose: "passkey_registration", factor: "passkey" }, "failed");
    throw new DomainError("VALIDATION", NOT_REGISTERED, { form: NOT_REGISTERED });
  }
  const { credential, credentialDeviceType, credentialBackedUp } = verified.registrationInfo;
  return db.$transaction(async (tx) => {
    if (await tx.passkey.findUnique({ where: { credentialId: credential.id }, select: { id: true } })) {
      throw new DomainError("CONFLICT", ALREADY_REGISTERED);
    }
    if ((await tx.passkey.count({ where: { userId: user.id } })) >= MAX_PASSKEYS) throw new DomainError("CONFLICT", TOO_MANY_PASSKEYS);
    const first = !(await userHasSecondFactor(tx, user.id));
    const passkeyId = newId("pky");
    await tx.passkey.create({
      data: {
        id: passkeyId,
        userId: user.id,
        credentialId: credential.id,
        publicKey: Buffer.from(credential.publicKey).toString("base64url"),
        counter: BigInt(credential.counter),
        transports: (credential.transports ?? []).join(","),
        name: input.name,
        deviceType: credentialDeviceType,
        backedUp: credentialBackedUp,
        createdAt: now,
      },
    });
    const recoveryCodes = first ? await replaceRecoveryCodes(tx, user.id, now) : null;
    await auditFactorEvent(tx, user, "user.second_factor_enrolled", meta, {
      factor: "passkey",
      passkey: input.name,
      ...(recoveryCodes ? { recoveryCodes: recoveryCodes.length } : {}),
    });
    return { passkeyId, recoveryCodes };
  });
}

/** Removes one of the member's passkeys; with it the last second factor, the recovery codes go too. */
export async function removePasskey(db: Db, user: FactorUser, passkeyId: string, meta: Meta) {
  return db.$transaction(async (tx) => {
    const passkey = await tx.passkey.findFirst({ where: { id: passkeyId, userId: user.id }, select: { name: true } });
    if (!passkey) throw new DomainError("NOT_FOUND", PASSKEY_NOT_FOUND);
    await tx.passkey.deleteMany({ where: { id: passkeyId, userId: user.id } });
    if (!(await userHasSecondFactor(tx, user.id))) await tx.recoveryCode.deleteMany({ where: { userId: user.id } });
    await auditFactorEvent(tx, user, "user.second_factor_removed", meta, { factor: "passkey", passkey: passkey.name });
    return null;
  });
}

export interface PasskeySummary {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  synced: boolean;
}

/** The member's passkeys for the account page: names and dates, never keys or credential ids. */
export async function listPasskeys(db: Pick<Db, "passkey">, userId: string): Promise<PasskeySummary[]> {
  const rows = await db.passkey.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
  return rows.map((p) => ({
    id: p.id,
    name: p.name,
    createdAt: p.createdAt.toISOString(),
    lastUsedAt: p.lastUsedAt?.toISOString() ?? null,
    synced: p.deviceType === "multiDevice",
  }));
}
