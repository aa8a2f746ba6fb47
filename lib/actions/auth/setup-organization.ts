"use server";
import { setSessionCookie } from "../../auth/session-cookie";
import { createSession } from "../../auth/sessions";
import { db } from "../../db";
import { bootstrapInstallation } from "../../setup/bootstrap";
import { setupSchema } from "../../validations/auth";
import { publicAction } from "../safe-action";

export const setupOrganizationAction = publicAction(setupSchema, async (input, meta) => {
  const { orgId, userId } = await bootstrapInstallation(db, input, meta);
  const session = await createSession(db, userId, orgId, meta);
  await setSessionCookie(session.token, session.expiresAt, meta.secure);
  return { orgId };
});
