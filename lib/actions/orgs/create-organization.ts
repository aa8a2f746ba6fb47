"use server";
import { revalidatePath } from "next/cache";
import { setActiveOrg } from "../../auth/sessions";
import { db } from "../../db";
import { createOrganization } from "../../orgs/create-organization";
import { createOrganizationSchema } from "../../validations/org-admin";
import { authedAction } from "../safe-action";

export const createOrganizationAction = authedAction("orgs:create", createOrganizationSchema, async (ctx, input) => {
  const { orgId } = await createOrganization(db, { userId: ctx.user.id, email: ctx.user.email, meta: ctx.meta }, input);
  await setActiveOrg(db, ctx.sessionId, orgId);
  revalidatePath("/", "layout");
  return { orgId };
});
