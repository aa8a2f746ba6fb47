"use server";
import { db } from "../../db";
import { completePasswordReset } from "../../members/password-reset";
import { resetPasswordSchema } from "../../validations/password-reset";
import { publicAction } from "../safe-action";

export const resetPasswordAction = publicAction(resetPasswordSchema, (input, meta) => completePasswordReset(db, input, meta));
