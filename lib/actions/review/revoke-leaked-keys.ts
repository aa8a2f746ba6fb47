"use server";
import { revalidatePath } from "next/cache";
import { bulkRevokeKeys } from "../../api-keys/revoke-key";
import { db } from "../../db";
import { revokeLeakedKeysSchema } from "../../validations/review";
import { authedAction } from "../safe-action";
import { keyActorOf } from "../keys/actor";

const LEAK_REVOKE_REASON = "Secret found in pasted text (leak)";

/**
 * Revokes the keys a leak scan found, each on its own, behind the bulk gate (the typed "revoke N keys"); the
 * audit event records source "leak".
 */
export const revokeLeakedKeysAction = authedAction(
  "keys:revoke",
  revokeLeakedKeysSchema,
  async (ctx, input) => {
    const results = await bulkRevokeKeys(db, keyActorOf(ctx), { ...input, reason: input.reason || LEAK_REVOKE_REASON }, new Date(), "leak");
    revalidatePath("/review");
    revalidatePath("/keys");
    return results.map((r) => ({ ...r, name: r.name ?? null }));
  },
  { stepUp: true },
);
