import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { getSessionContext } from "@/lib/auth/current";
import { safeNextPath } from "@/lib/auth/next-path";
import { db } from "@/lib/db";
import { isInstalled } from "@/lib/setup/bootstrap";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  if (!(await isInstalled(db))) redirect("/setup");
  const next = safeNextPath((await searchParams).next);
  if (await getSessionContext()) redirect(next ?? "/keys");
  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-xl font-semibold">Sign in</h1>
      <p className="mt-1 text-sm text-slate-600">Manage your organization’s API keys.</p>
      <LoginForm next={next} />
    </Card>
  );
}
