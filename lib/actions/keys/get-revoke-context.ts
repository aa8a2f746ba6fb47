"use server";
import { db } from "../../db";
import { getRevokeContext } from "../../queries/revoke-context";
import { revokeContextSchema } from "../../validations/key";
import { DomainError } from "../../errors";
import { authedAction } from "../safe-action";

/** Read-only: the revoke dialog's context (requests in 7 days, last use), loaded on the server when it opens. */
export const getRevokeContextAction = authedAction("keys:revoke", revokeContextSchema, async (ctx, input) => {
  const context = await getRevokeContext(db, ctx.org.id, input.keyId);
  if (!context) throw new DomainError("NOT_FOUND", "Key not found");
  return context;
});
