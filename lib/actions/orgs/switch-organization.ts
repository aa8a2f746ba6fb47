"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { switchOrganization } from "../../orgs/switch-organization";
import { switchOrganizationSchema } from "../../validations/org-admin";
import { authedAction } from "../safe-action";

export const switchOrganizationAction = authedAction("orgs:switch", switchOrganizationSchema, async (ctx, input) => {
  const result = await switchOrganization(db, { sessionId: ctx.sessionId, userId: ctx.user.id }, input.orgId);
  revalidatePath("/", "layout");
  return result;
});
