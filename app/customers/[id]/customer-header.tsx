import Link from "next/link";
import { ArrivalFocus } from "@/components/customers/arrival-focus";
import { StatusBadge } from "@/components/customers/status-badge";
import { ActorName } from "@/components/actors/actor-name";
import { LocalTime } from "@/components/local-time";
import { buttonClass } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import type { CustomerDetail } from "@/lib/queries/customer";

/** Breadcrumb, name, status, version and the last change, with the way to the timeline. */
export function CustomerHeader({ customer, lastEvent }: CustomerDetail) {
  return (
    <>
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
                {" · "}last change <span className="font-medium">{lastEvent.type}</span> by <ActorName actor={lastEvent.metadata.actor} />,{" "}
                <LocalTime iso={lastEvent.timestamp} />
              </>
            ) : null}
          </p>
        </div>
        <Link href={`/customers/${customer.id}/timeline?v=${customer.version}`} className={buttonClass("secondary")}>
          View timeline
        </Link>
      </header>
    </>
  );
}

/** When and why the customer was archived; an archived customer is read-only. */
export function ArchivedNotice({ customer }: Pick<CustomerDetail, "customer">) {
  return (
    <Notice id="archived-notice" tabIndex={-1} tone="warning" role="status" className="outline-none focus-visible:ring-2 focus-visible:ring-amber-600">
      <p className="font-medium">
        Archived {customer.archivedAt ? <LocalTime iso={customer.archivedAt} /> : null}
      </p>
      <p className="mt-1">{customer.archiveReason ? <>Reason: {customer.archiveReason}</> : "No reason was given."}</p>
      <p className="mt-1">An archived customer is read-only.</p>
      <ArrivalFocus id="archived-notice" />
    </Notice>
  );
}
