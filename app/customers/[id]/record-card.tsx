import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { FIELD_LABELS } from "@/components/timeline/format";
import { Card } from "@/components/ui/card";
import { customerStreamId } from "@/lib/domain/customer/events";
import type { CustomerDetail } from "@/lib/queries/customer";
import { describeEvent } from "@/lib/queries/describe";
import type { FieldPath, Provenance } from "@/lib/timeline";

/** The fields a reader may ask "why is it this?" about, each answered by the timeline. */
const EXPLAINED: { path: FieldPath; label: string; value(c: CustomerDetail["customer"]): string | null }[] = [
  { path: "name", label: "Name", value: (c) => c.name },
  { path: "address.street", label: "Street", value: (c) => c.address.street },
  { path: "address.city", label: "City", value: (c) => c.address.city },
  { path: "address.postalCode", label: "Postal code", value: (c) => c.address.postalCode ?? null },
  { path: "email", label: "Email", value: (c) => c.email },
  { path: "phone", label: "Phone", value: (c) => c.phone },
];

/**
 * The record as stored: each field with a link to its provenance (the timeline at the event that
 * set it, that field pinned), registration, stream id and what the last event changed.
 */
export function RecordCard({ customer, lastEvent, provenance = {} }: CustomerDetail & { provenance?: Provenance }) {
  return (
    <Card className="p-4">
      <h2 className="mb-3 text-lg font-semibold">Record</h2>
      <dl className="space-y-2 text-sm">
        {EXPLAINED.map(({ path, label, value }) => {
          const shown = value(customer);
          const origin = provenance[path];
          return (
            <div key={path} className="flex items-baseline justify-between gap-3" data-field={path}>
              <dt className="shrink-0 text-zinc-500 dark:text-zinc-400">{label}</dt>
              <dd className="min-w-0 break-words text-right">
                {shown ?? <span className="text-zinc-500 dark:text-zinc-400">none</span>}
                {origin ? (
                  <>
                    {" "}
                    <Link
                      href={`/customers/${customer.id}/timeline?v=${origin.version}&tab=why&field=${encodeURIComponent(path)}`}
                      className="whitespace-nowrap text-xs font-medium text-blue-700 hover:underline dark:text-blue-400"
                      title={`Set at v${origin.version} by ${origin.type}`}
                    >
                      {/* The visible words start the accessible name (WCAG 2.5.3, label in name). */}
                      why? v{origin.version}
                      <span className="sr-only">{` (the ${label.toLowerCase()}, set by ${origin.type})`}</span>
                    </Link>
                  </>
                ) : null}
              </dd>
            </div>
          );
        })}
        <div>
          <dt className="text-zinc-500 dark:text-zinc-400">{FIELD_LABELS.registeredAt}</dt>
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
  );
}
