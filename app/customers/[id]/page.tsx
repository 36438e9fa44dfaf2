import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { cache } from "react";
import { v7 as uuidv7 } from "uuid";
import { Card } from "@/components/ui/card";
import { Notice } from "@/components/ui/card";
import { contactFormValues, customerFormValues } from "@/lib/forms/customer-form";
import { customerStreamId } from "@/lib/domain/customer/events";
import { getCustomerDetail } from "@/lib/queries/customer";
import { stateAt } from "@/lib/timeline";
import { roleAllows } from "@/lib/auth/roles";
import { getApp } from "@/lib/server/app";
import { currentPrincipal } from "@/lib/server/identity";
import { ArchiveDialog } from "./archive-dialog";
import { ContactForm } from "./contact-form";
import { ArchivedNotice, CustomerHeader } from "./customer-header";
import { EditCustomerForm } from "./edit-customer-form";
import { EraseDialog } from "./erase-dialog";
import { RecordCard } from "./record-card";

type Props = { params: Promise<{ id: string }> };

/** One load per request, shared by the title and the page. */
const load = cache(async (id: string) => {
  await connection();
  const { store } = await getApp();
  const detail = await getCustomerDetail(store, id);
  if (!detail) return null;
  // "Why is the city Cambridge?": each field's origin at the current version (timeline provenance).
  const { provenance } = await stateAt(store, customerStreamId(detail.customer.id), detail.customer.version);
  return { ...detail, provenance };
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const detail = await load((await params).id);
  return { title: detail ? `${detail.customer.name} · Customers` : "Customer not found" };
}

export default async function CustomerPage({ params }: Props) {
  const { id } = await params;
  const detail = await load(id);
  if (!detail) notFound();
  const { customer } = detail;
  const erased = customer.erased;
  // Erased customers are read-only like archived ones: every command is refused (customer_erased).
  const archived = customer.status === "archived" || erased;
  const who = await currentPrincipal();
  const mayErase = who !== null && roleAllows(who.role, "admin") && !erased;
  // A viewer sees the record without edit or archive controls; the actions refuse them anyway.
  const canEdit = who !== null && roleAllows(who.role, "editor");

  return (
    <div className="space-y-6">
      <CustomerHeader {...detail} />
      {customer.status === "archived" ? <ArchivedNotice customer={customer} /> : null}
      {erased ? (
        <Notice tone="warning" role="status">
          <p className="font-medium">Personal data erased</p>
          <p className="mt-1">Name, street, postal code, email and phone were erased in every version. The history keeps its shape.</p>
        </Notice>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="space-y-6">
        <Card className="p-4">
          <h2 className="mb-3 text-lg font-semibold">{archived || !canEdit ? "Details" : "Edit customer"}</h2>
          <EditCustomerForm
            id={customer.id}
            version={customer.version}
            current={customerFormValues(customer)}
            readOnly={archived || !canEdit}
            commandId={uuidv7()}
          />
        </Card>
        <Card className="p-4">
          <ContactForm id={customer.id} version={customer.version} current={contactFormValues(customer)} readOnly={archived || !canEdit} commandId={uuidv7()} />
        </Card>
        </div>

        <div className="space-y-6">
          <RecordCard {...detail} />
          {!archived && canEdit ? (
            <Card className="p-4">
              <h2 className="mb-2 text-lg font-semibold">Archive</h2>
              <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
                Archiving keeps the history but makes the customer read-only.
              </p>
              <ArchiveDialog id={customer.id} name={customer.name} version={customer.version} commandId={uuidv7()} />
            </Card>
          ) : null}
          {mayErase ? (
            <Card className="p-4">
              <h2 className="mb-2 text-lg font-semibold">Erase personal data</h2>
              <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
                For a right-to-erasure request (GDPR art. 17). Admins only; cannot be undone.
              </p>
              <EraseDialog id={customer.id} name={customer.name} commandId={uuidv7()} />
            </Card>
          ) : null}
        </div>
      </div>
    </div>
  );
}
