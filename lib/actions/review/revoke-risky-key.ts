"use server";
import { revalidatePath } from "next/cache";
import { revokeKeyById } from "../../api-keys/revoke-key";
import { db } from "../../db";
import { revokeRiskyKeySchema } from "../../validations/review";
import { ActionError } from "../errors";
import { authedAction } from "../safe-action";

/** The review list's one-click revoke (after the confirm dialog). */
export const revokeRiskyKeyAction = authedAction("keys:revoke", revokeRiskyKeySchema, async (ctx, input) => {
  const by = { orgId: ctx.org.id, actor: { type: "user" as const, id: ctx.user.id, label: ctx.user.email }, meta: ctx.meta };
  const { outcome } = await revokeKeyById(db, by, input.keyId, "Revoked from the security review", new Date());
  if (outcome === "not_found") throw new ActionError("NOT_FOUND", "Key not found");
  revalidatePath("/review");
  revalidatePath("/keys");
  return { outcome };
});
