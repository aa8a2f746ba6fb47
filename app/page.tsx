import { redirect } from "next/navigation";
import { requirePageContext } from "@/lib/auth/current";

export const dynamic = "force-dynamic";

export default async function Home() {
  await requirePageContext();
  redirect("/keys");
}
