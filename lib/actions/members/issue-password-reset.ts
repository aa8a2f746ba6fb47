"use server";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { issuePasswordReset } from "../../members/password-reset";
import { issuePasswordResetSchema } from "../../validations/password-reset";
import { authedAction } from "../safe-action";

// Whoever holds the link can set the member's password: an admin's act, behind a fresh step-up. The token leaves
// the server this once; the page builds the link from it and never stores it.
export const issuePasswordResetAction = authedAction(
  "members:manage",
  issuePasswordResetSchema,
  (ctx, input) => issuePasswordReset(db, memberActorOf(ctx), input.memberId),
  { stepUp: true },
);
