import type { Db } from "../../db/client";
import { newId } from "../../ids";

// A ceremony is a click and a touch: two minutes is plenty, and an unanswered challenge is worthless after.
export const CHALLENGE_TTL_MS = 2 * 60 * 1000;

export type ChallengePurpose = "register" | "step_up" | "second_factor" | "sign_in";

/** What a challenge is bound to: the session that asked, the pending sign-in that asked, or nothing (passwordless). */
export interface ChallengeBinding {
  purpose: ChallengePurpose;
  sessionId?: string;
  pendingSignInId?: string;
}

/** Stores a challenge the library generated, for its one answer; expired ones are swept as new ones are made. */
export async function storeChallenge(db: Pick<Db, "webAuthnChallenge">, challenge: string, binding: ChallengeBinding, now = new Date()) {
  await db.webAuthnChallenge.deleteMany({ where: { expiresAt: { lte: now } } });
  await db.webAuthnChallenge.create({
    data: {
      id: newId("wac"),
      challenge,
      purpose: binding.purpose,
      sessionId: binding.sessionId ?? null,
      pendingSignInId: binding.pendingSignInId ?? null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS),
    },
  });
}

/** The challenge a response signed, read from its clientDataJSON; null when that is not readable. */
export function challengeOf(clientDataJSON: string): string | null {
  try {
    const data = JSON.parse(Buffer.from(clientDataJSON, "base64url").toString("utf8")) as { challenge?: unknown };
    return typeof data.challenge === "string" && data.challenge.length <= 512 ? data.challenge : null;
  } catch {
    return null;
  }
}

/**
 * Spends the challenge a response answers, when it was issued for this purpose and binding and has not expired:
 * deleted in the same statement that finds it, so a second answer (a replay, or a race) finds nothing.
 * Returns the challenge for the library to check the signature against, or null.
 */
export async function spendChallenge(
  db: Pick<Db, "webAuthnChallenge">,
  clientDataJSON: string,
  binding: ChallengeBinding,
  now = new Date(),
): Promise<string | null> {
  const challenge = challengeOf(clientDataJSON);
  if (!challenge) return null;
  const spent = await db.webAuthnChallenge.deleteMany({
    where: {
      challenge,
      purpose: binding.purpose,
      sessionId: binding.sessionId ?? null,
      pendingSignInId: binding.pendingSignInId ?? null,
      expiresAt: { gt: now },
    },
  });
  return spent.count === 1 ? challenge : null;
}
