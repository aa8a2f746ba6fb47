"use server";
import { readSessionCookie, setSessionCookie } from "../../auth/session-cookie";
import { deleteSession } from "../../auth/sessions";
import { db } from "../../db";
import { acceptInvite } from "../../members/invites";
import { acceptInviteSchema } from "../../validations/member";
import { publicAction } from "../safe-action";

// Public: the invite token is the credential, together with the password it sets or proves.
export const acceptInviteAction = publicAction(acceptInviteSchema, async (input, meta) => {
  const session = await acceptInvite(db, input.token, input.password, meta);
  await deleteSession(db, await readSessionCookie());
  await setSessionCookie(session.token, session.expiresAt, meta.secure);
  return { orgId: session.orgId };
});
