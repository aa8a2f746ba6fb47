"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { renameOrganization } from "../../orgs/rename-organization";
import { renameOrganizationSchema } from "../../validations/org";
import { authedAction } from "../safe-action";

export const renameOrganizationAction = authedAction("settings:manage", renameOrganizationSchema, async (ctx, input) => {
  const result = await renameOrganization(db, { orgId: ctx.org.id, userId: ctx.user.id, email: ctx.user.email }, input.name, ctx.meta);
  revalidatePath("/", "layout");
  return result;
});
