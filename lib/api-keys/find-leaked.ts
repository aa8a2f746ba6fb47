import type { Db } from "../db/client";
import { findSecretsInText } from "../keys";
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
