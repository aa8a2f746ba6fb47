"use server";
import { revalidatePath } from "next/cache";
import { revokeKeyById } from "../../api-keys/revoke-key";
import { db } from "../../db";
import { revokeLeakedKeysSchema } from "../../validations/review";
import { authedAction } from "../safe-action";

const LEAK_REVOKE_REASON = "Secret found in pasted text (leak)";

/** Revokes the keys a leak scan found, each on its own; the audit event records source "leak". */
export const revokeLeakedKeysAction = authedAction("keys:revoke", revokeLeakedKeysSchema, async (ctx, input) => {
  const by = { orgId: ctx.org.id, actor: { type: "user" as const, id: ctx.user.id, label: ctx.user.email }, meta: ctx.meta };
  const results = [];
  for (const keyId of input.keyIds) {
    const { outcome, key } = await revokeKeyById(db, by, keyId, LEAK_REVOKE_REASON, new Date(), "leak");
    results.push({ keyId, outcome, name: key?.name ?? null });
  }
  revalidatePath("/review");
  revalidatePath("/keys");
  return results;
});
