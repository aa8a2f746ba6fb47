"use server";
import { rotateKey } from "../../api-keys/rotate-key";
import { db } from "../../db";
import { rotateKeySchema } from "../../validations/key";
import { authedAction } from "../safe-action";
import { keyActorOf } from "./actor";

// Like createKeyAction: the page refreshes after the one-time secret modal closes, not in this response.
// Without grace the old secret stops at once, for every client still using it: a step-up first.
export const rotateKeyAction = authedAction("keys:rotate", rotateKeySchema, (ctx, input) => rotateKey(db, keyActorOf(ctx), input), {
  stepUp: (input) => input.grace === "none",
});
