export const KEY_STATUSES = ["active", "expired", "revoked"] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];

export const EXPIRES_SOON_MS = 7 * 24 * 60 * 60 * 1000;

export interface KeyLifetime {
  revokedAt?: Date | null;
  expiresAt?: Date | null;
}

function isInvalidDate(value: Date): boolean {
  return Number.isNaN(value.getTime());
}

/**
 * Revoked wins over expired, expired over active. A key expires at the instant
 * expiresAt (expiresAt <= now). An unparseable expiresAt counts as expired.
 */
export function keyStatus({ revokedAt, expiresAt }: KeyLifetime, now: Date): KeyStatus {
  if (revokedAt) return "revoked";
  if (expiresAt && (isInvalidDate(expiresAt) || expiresAt.getTime() <= now.getTime())) return "expired";
  return "active";
}

/** True when a not-yet-expired key expires within the next 7 days. */
export function expiresSoon(expiresAt: Date | null | undefined, now: Date): boolean {
  if (!expiresAt || isInvalidDate(expiresAt)) return false;
  const remaining = expiresAt.getTime() - now.getTime();
  return remaining > 0 && remaining <= EXPIRES_SOON_MS;
}
