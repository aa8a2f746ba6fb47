"use server";
import { redirect } from "next/navigation";
import { clearSessionCookie, readSessionCookie } from "../../auth/session-cookie";
import { deleteSession } from "../../auth/sessions";
import { db } from "../../db";

export async function signOutAction() {
  await deleteSession(db, await readSessionCookie());
  await clearSessionCookie();
  redirect("/login");
}
