"use server";
import { headers } from "next/headers";
import { db } from "../../db";
import { startSso } from "../../sso/flow";
import { publicOrigin } from "../../sso/origin";
import { setSsoStateCookie } from "../../sso/state-cookie";
import { ssoStartSchema } from "../../validations/sso";
import { publicAction } from "../safe-action";

/** "Sign in with SSO": finds the organization and returns its provider's authorization URL for the browser to follow. */
export const startSsoAction = publicAction(ssoStartSchema, async (input, meta) => {
  const { url, state } = await startSso(db, input, publicOrigin((await headers()).get("host"), meta));
  await setSsoStateCookie(state, meta.secure);
  return { url };
});
