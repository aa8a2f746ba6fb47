import type { Db } from "../db/client";
import { displaySecret, findSecretsInText, parseSecret } from "../keys";
import { openSigningSecret } from "../orgs/signing-secret";
import { keyInclude, toKeyView, type KeyView } from "./serialize";
import { orgWithSigningSecret, secretHashFor } from "./signing";

export interface LeakScan {
  /** Keys of this organization whose secret (current or in grace) appears in the text. */
  matches: { key: KeyView; secretDisplay: string; secretIsCurrent: boolean }[];
  /** Keyward-shaped secrets with a valid checksum that are not this organization's. */
  unknownCount: number;
}

/** Finds every Keyward secret in pasted text and matches it by hash. The text itself is never stored or logged. */
export async function findLeakedKeys(db: Db, orgId: string, text: string, now = new Date()): Promise<LeakScan> {
  const found = await orgWithSigningSecret(db, orgId);
  if (!found) return { matches: [], unknownCount: 0 };
  const secrets = findSecretsInText(text);
  const matches: LeakScan["matches"] = [];
  let unknownCount = 0;
  const seen = new Set<string>();
  for (const secret of secrets) {
    const hit = await db.keySecret.findUnique({
      where: { secretHash: secretHashFor(found.signingSecret, secret) },
      include: { key: { include: keyInclude } },
    });
    if (!hit || hit.key.orgId !== orgId) {
      unknownCount += 1;
      continue;
    }
    if (seen.has(hit.key.id)) continue;
    seen.add(hit.key.id);
    const view = toKeyView(hit.key, now);
    matches.push({
      key: view,
      secretDisplay: `${hit.key.displayPrefix}…${hit.last4}`,
      secretIsCurrent: hit.supersededAt === null,
    });
  }
  return { matches, unknownCount };
}

const LOOKUP_SLICE = 500;

export interface IssuedSecret {
  orgId: string;
  leakPolicy: string;
  keyId: string;
  keyName: string;
  secretId: string;
  /** "kw_live_…a1b2": safe to show and to put in an event. */
  secretDisplay: string;
  secretIsCurrent: boolean;
  /** A rotated-out secret that still works until this instant (a grace period). */
  graceUntil: Date | null;
  keyRevoked: boolean;
}

/**
 * Which of these secrets this deployment issued, across organizations: each secret is hashed only with the
 * signing secret of the organizations using its prefix, and looked up among that organization's keys. Secrets
 * that fail the checksum, or match nothing, are absent from the result.
 */
export async function findIssuedSecrets(db: Db, secrets: string[]): Promise<Map<string, IssuedSecret>> {
  const byPrefix = new Map<string, string[]>();
  for (const secret of new Set(secrets)) {
    const parsed = parseSecret(secret);
    if (parsed) byPrefix.set(parsed.prefix, [...(byPrefix.get(parsed.prefix) ?? []), secret]);
  }
  const found = new Map<string, IssuedSecret>();
  if (byPrefix.size === 0) return found;
  const orgs = await db.organization.findMany({ where: { keyPrefix: { in: [...byPrefix.keys()] } } });
  for (const org of orgs) {
    const signingSecret = openSigningSecret(org.id, org.signingSecretEnc);
    const bySecretHash = new Map(byPrefix.get(org.keyPrefix)!.map((s) => [secretHashFor(signingSecret, s), s]));
    const hashes = [...bySecretHash.keys()];
    const lookup = (slice: string[]) =>
      db.keySecret.findMany({
        where: { secretHash: { in: slice }, key: { orgId: org.id } },
        include: { key: { select: { id: true, name: true, displayPrefix: true, revokedAt: true } } },
      });
    const rows: Awaited<ReturnType<typeof lookup>> = [];
    // In slices, so a large batch stays under every database's limit on bound parameters.
    for (let i = 0; i < hashes.length; i += LOOKUP_SLICE) rows.push(...(await lookup(hashes.slice(i, i + LOOKUP_SLICE))));
    for (const row of rows) {
      found.set(bySecretHash.get(row.secretHash)!, {
        orgId: org.id,
        leakPolicy: org.leakPolicy,
        keyId: row.key.id,
        keyName: row.key.name,
        secretId: row.id,
        secretDisplay: displaySecret(row.key.displayPrefix, row.last4),
        secretIsCurrent: row.supersededAt === null,
        graceUntil: row.supersededAt !== null ? row.validUntil : null,
        keyRevoked: row.key.revokedAt !== null,
      });
    }
  }
  return found;
}
