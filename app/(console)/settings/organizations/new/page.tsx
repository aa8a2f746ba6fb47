import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";
import { CreateOrgForm } from "./create-org-form";

export const metadata: Metadata = { title: "New organization" };

export default async function NewOrganizationPage() {
  await requirePageContext("orgs:create");
  return (
    <>
      <PageHeader
        title="New organization"
        description="A separate organization with its own keys, members, key prefix and signing secret. You become its admin."
      />
      <Card className="max-w-lg p-5">
        <CreateOrgForm />
      </Card>
    </>
  );
}
