"use server";
import { redirect } from "next/navigation";
import { currentRequestMeta } from "../../auth/current";
import { recordSignOut } from "../../auth/login";
import { clearSessionCookie, readSessionCookie } from "../../auth/session-cookie";
import { deleteSession } from "../../auth/sessions";
import { db } from "../../db";

export async function signOutAction() {
  await recordSignOut(db, await readSessionCookie(), await currentRequestMeta());
  await deleteSession(db, await readSessionCookie());
  await clearSessionCookie();
  redirect("/login");
}
