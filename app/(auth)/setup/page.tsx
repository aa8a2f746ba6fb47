import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { db } from "@/lib/db";
import { isInstalled } from "@/lib/setup/bootstrap";
import { SetupForm } from "./setup-form";

export const metadata: Metadata = { title: "Set up" };
export const dynamic = "force-dynamic";

export default async function SetupPage() {
  if (await isInstalled(db)) redirect("/login");
  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-xl font-semibold">Set up Keyward</h1>
      <p className="mt-1 text-sm text-slate-600">
        A one-time setup: it creates your organization, provisions its key-signing secret and makes you its first admin.
      </p>
      <SetupForm />
    </Card>
  );
}
