"use server";
import { createKey } from "../../api-keys/create-key";
import { grantsPowerfulScope } from "../../api-keys/powerful-scopes";
import { db } from "../../db";
import { createKeySchema } from "../../validations/key";
import { authedAction } from "../safe-action";
import { keyActorOf } from "./actor";

// No revalidatePath here: the page refreshes the list only after the one-time secret modal closes
// (router.refresh), so a re-render cannot race the secret before it is copied.
export const createKeyAction = authedAction("keys:create", createKeySchema, (ctx, input) => createKey(db, keyActorOf(ctx), input), {
  stepUp: (input) => grantsPowerfulScope(input.scopes),
});
