"use server";
import { readSessionCookie, setSessionCookie } from "../../auth/session-cookie";
import { deleteSession } from "../../auth/sessions";
import { setPendingSignInCookie } from "../../auth/two-factor/pending-cookie";
import { db } from "../../db";
import { acceptInvite } from "../../members/invites";
import { acceptInviteSchema } from "../../validations/member";
import { publicAction } from "../safe-action";

// Public: the invite token is the credential, together with the password it sets or proves.
export const acceptInviteAction = publicAction(acceptInviteSchema, async (input, meta) => {
  const result = await acceptInvite(db, input.token, input.password, meta);
  await deleteSession(db, await readSessionCookie());
  if (result.secondFactor) {
    await setPendingSignInCookie(result.pendingToken, result.expiresAt, meta.secure);
    return { orgId: result.orgId, secondFactor: true };
  }
  await setSessionCookie(result.token, result.expiresAt, meta.secure);
  return { orgId: result.orgId, secondFactor: false };
});
