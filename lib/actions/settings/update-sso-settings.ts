"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { updateSsoSettings } from "../../sso/settings";
import { ssoSettingsSchema } from "../../validations/sso";
import { authedAction } from "../safe-action";

export const updateSsoSettingsAction = authedAction("settings:manage", ssoSettingsSchema, async (ctx, input) => {
  const result = await updateSsoSettings(db, memberActorOf(ctx), input);
  revalidatePath("/settings");
  return result;
});
