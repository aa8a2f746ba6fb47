"use server";
import { redirect } from "next/navigation";
import { currentRequestMeta } from "../../auth/current";
import { signOut } from "../../auth/login";
import { clearSessionCookie, readSessionCookie } from "../../auth/session-cookie";
import { db } from "../../db";

export async function signOutAction() {
  await signOut(db, await readSessionCookie(), await currentRequestMeta());
  await clearSessionCookie();
  redirect("/login");
}
