import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { cache } from "react";
import { v7 as uuidv7 } from "uuid";
import { LocalTime } from "@/components/local-time";
import { StatusBadge } from "@/components/customers/status-badge";
import { buttonClass } from "@/components/ui/button";
import { Card, Notice } from "@/components/ui/card";
import { customerStreamId } from "@/lib/domain/customer/events";
import { getCustomerDetail } from "@/lib/queries/customers";
import { describeEvent, formatAddress } from "@/lib/queries/describe";
import { getApp } from "@/lib/server/app";
import { ArchiveDialog } from "./archive-dialog";
import { EditCustomerForm } from "./edit-customer-form";

type Props = { params: Promise<{ id: string }> };

/** One load per request, shared by the title and the page. */
const load = cache(async (id: string) => {
  await connection();
  const { store } = await getApp();
  return getCustomerDetail(store, id);
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const detail = await load((await params).id);
  return { title: detail ? `${detail.customer.name} · Customers` : "Customer not found" };
}

export default async function CustomerPage({ params }: Props) {
  const { id } = await params;
  const detail = await load(id);
  if (!detail) notFound();
  const { customer, lastEvent } = detail;
  const archived = customer.status === "archived";
  const current = {
    name: customer.name,
    street: customer.address.street,
    city: customer.address.city,
    region: customer.address.region ?? "",
    postalCode: customer.address.postalCode ?? "",
    country: customer.address.country ?? "",
  };

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-zinc-600 dark:text-zinc-400">
        <Link href="/customers" className="hover:underline">
          Customers
        </Link>{" "}
        / <span aria-current="page">{customer.name}</span>
      </nav>

      <header className="flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0 space-y-1">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="break-words text-2xl font-semibold tracking-tight">{customer.name}</h1>
            <StatusBadge status={customer.status} />
          </div>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Version <span className="font-mono">{customer.version}</span>
            {lastEvent ? (
              <>
                {" · "}last change <span className="font-medium">{lastEvent.type}</span> by {lastEvent.metadata.actor},{" "}
                <LocalTime iso={lastEvent.timestamp} />
              </>
            ) : null}
          </p>
        </div>
        <Link href={`/customers/${customer.id}/timeline?v=${customer.version}`} className={buttonClass("secondary")}>
          View timeline
        </Link>
      </header>

      {archived ? (
        <Notice tone="warning" role="status">
          <p className="font-medium">
            Archived {customer.archivedAt ? <LocalTime iso={customer.archivedAt} /> : null}
          </p>
          <p className="mt-1">{customer.archiveReason ? <>Reason: {customer.archiveReason}</> : "No reason was given."}</p>
          <p className="mt-1">An archived customer is read-only.</p>
        </Notice>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <Card className="p-4">
          <h2 className="mb-3 text-lg font-semibold">{archived ? "Details" : "Edit customer"}</h2>
          <EditCustomerForm id={customer.id} version={customer.version} current={current} archived={archived} commandId={uuidv7()} />
        </Card>

        <div className="space-y-6">
          <Card className="p-4">
            <h2 className="mb-3 text-lg font-semibold">Record</h2>
            <dl className="space-y-2 text-sm">
              <div>
                <dt className="text-zinc-500 dark:text-zinc-400">Address</dt>
                <dd className="break-words">{formatAddress(customer.address)}</dd>
              </div>
              <div>
                <dt className="text-zinc-500 dark:text-zinc-400">Registered</dt>
                <dd>
                  <LocalTime iso={customer.registeredAt} />
                </dd>
              </div>
              <div>
                <dt className="text-zinc-500 dark:text-zinc-400">Stream</dt>
                <dd className="break-all font-mono text-xs">{customerStreamId(customer.id)}</dd>
              </div>
              {lastEvent ? (
                <div>
                  <dt className="text-zinc-500 dark:text-zinc-400">Last change (v{lastEvent.version})</dt>
                  <dd>
                    <ul className="list-inside list-disc break-words">
                      {describeEvent(lastEvent).map((line) => (
                        <li key={line}>{line}</li>
                      ))}
                    </ul>
                  </dd>
                </div>
              ) : null}
            </dl>
          </Card>
          {!archived ? (
            <Card className="p-4">
              <h2 className="mb-2 text-lg font-semibold">Archive</h2>
              <p className="mb-3 text-sm text-zinc-600 dark:text-zinc-400">
                Archiving keeps the history but makes the customer read-only.
              </p>
              <ArchiveDialog id={customer.id} name={customer.name} version={customer.version} commandId={uuidv7()} />
            </Card>
          ) : null}
        </div>
      </div>
    </div>
  );
}
