"use server";
import { db } from "../../db";
import { plantHoneytoken } from "../../honeytokens/honeytokens";
import { memberActorOf } from "../../members/actor";
import { plantHoneytokenSchema } from "../../validations/honeytoken";
import { authedAction } from "../safe-action";

// No revalidatePath: the list refreshes after the one-time secret modal closes, as for a new key.
export const plantHoneytokenAction = authedAction("keys:create", plantHoneytokenSchema, (ctx, input) =>
  plantHoneytoken(db, memberActorOf(ctx), input),
);
