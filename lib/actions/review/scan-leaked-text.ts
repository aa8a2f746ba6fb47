"use server";
import { findLeakedKeys } from "../../api-keys/find-leaked";
import { db } from "../../db";
import { scanLeakedTextSchema } from "../../validations/review";
import { authedAction } from "../safe-action";

export interface LeakMatch {
  keyId: string;
  name: string;
  secretDisplay: string;
  secretIsCurrent: boolean;
  status: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
}

/**
 * Finds this organization's keys whose secrets appear in pasted text. The text is used in memory only:
 * never stored, logged or sent back; a secret of no key here is only counted.
 */
export const scanLeakedTextAction = authedAction("review:read", scanLeakedTextSchema, async (ctx, input) => {
  const scan = await findLeakedKeys(db, ctx.org.id, input.text);
  const matches: LeakMatch[] = scan.matches.map((m) => ({
    keyId: m.key.id,
    name: m.key.name,
    secretDisplay: m.secretDisplay,
    secretIsCurrent: m.secretIsCurrent,
    status: m.key.status,
    lastUsedAt: m.key.lastUsedAt,
    lastUsedIp: m.key.lastUsedIp,
  }));
  return { matches, unknownCount: scan.unknownCount };
});
