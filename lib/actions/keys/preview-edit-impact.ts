"use server";
import { db } from "../../db";
import { getEditImpact } from "../../queries/edit-impact";
import { editImpactSchema } from "../../validations/key";
import { DomainError } from "../../errors";
import { authedAction } from "../safe-action";

/** Read-only: what a proposed scope or allowed-IP change would have refused of the key's last 30 days of traffic. */
export const previewEditImpactAction = authedAction("keys:edit", editImpactSchema, async (ctx, input) => {
  const impact = await getEditImpact(db, ctx.org.id, input.keyId, { scopes: input.scopes, cidrs: input.cidrs });
  if (!impact) throw new DomainError("NOT_FOUND", "Key not found");
  return impact;
});
