"use server";
import { bulkRevokeKeys } from "../../api-keys/revoke-key";
import { db } from "../../db";
import { bulkRevokeSchema } from "../../validations/key";
import { authedAction } from "../safe-action";
import { keyActorOf } from "./actor";

/**
 * Per-key results (revoked / already revoked / not found): never one message over a partly applied change.
 * No revalidatePath: re-rendering the list in this response would unmount the selection that shows the
 * results; the dialog refreshes the list when it closes.
 */
export const bulkRevokeKeysAction = authedAction(
  "keys:revoke",
  bulkRevokeSchema,
  (ctx, input) => bulkRevokeKeys(db, keyActorOf(ctx), input),
  {
    stepUp: true,
  },
);
