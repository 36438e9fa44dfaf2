import Link from "next/link";
import { ActorName } from "@/components/actors/actor-name";
import { LocalTime } from "@/components/local-time";
import { Badge, type Tone } from "@/components/ui/badge";
import { customerIdOf } from "@/lib/domain/customer/events";
import { describeEvent } from "@/lib/queries/describe";
import type { ApiEvent } from "@/lib/queries/events";

const typeTone: Record<string, Tone> = {
  CustomerRegistered: "green",
  CustomerRenamed: "blue",
  CustomerAddressUpdated: "amber",
  CustomerArchived: "zinc",
};

/**
 * Events as rows: position, type, the customer's current name and the stream at version (a
 * timeline link), actor, time, what changed. `customers`: names by customer id.
 */
export function EventList({ events, label, customers = {} }: { events: ApiEvent[]; label: string; customers?: Record<string, string> }) {
  return (
    <ol aria-label={label} className="divide-y divide-zinc-200 overflow-hidden rounded-lg border border-zinc-200 bg-white shadow-sm dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
      {events.map((event) => {
        const customerId = customerIdOf(event.streamId);
        return (
          <li key={event.id} className="space-y-1 px-3 py-2 text-sm">
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
              <span className="font-mono text-xs text-zinc-500 dark:text-zinc-400" title="Global position">
                #{event.position}
              </span>
              <Badge tone={typeTone[event.type] ?? "zinc"}>{event.type}</Badge>
              {customerId && customers[customerId] ? (
                <span className="min-w-0 break-words font-medium" data-testid="event-customer">
                  {customers[customerId]}
                </span>
              ) : null}
              {customerId ? (
                <Link
                  href={`/customers/${customerId}/timeline?v=${event.version}`}
                  className="break-all font-mono text-xs text-blue-700 hover:underline dark:text-blue-400"
                  title={`Timeline of ${event.streamId} at version ${event.version}`}
                >
                  {event.streamId} v{event.version}
                </Link>
              ) : (
                <span className="break-all font-mono text-xs">
                  {event.streamId} v{event.version}
                </span>
              )}
              <span className="text-xs text-zinc-500 dark:text-zinc-400">
                by <ActorName actor={event.metadata.actor} /> · <LocalTime iso={event.timestamp} />
              </span>
            </div>
            <ul className="break-words text-zinc-700 dark:text-zinc-300">
              {describeEvent(event).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </li>
        );
      })}
    </ol>
  );
}
