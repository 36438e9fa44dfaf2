import { Table, Td, Th } from "@/components/data-table/table";
import type { ConsumerListing } from "@/lib/queries/broker";

/** The broker's durable consumers (the services hearing the log), with what waits for each. */
export function ConsumerTable({ listing }: { listing: ConsumerListing }) {
  return (
    <section aria-labelledby="consumers-title" className="space-y-2">
      <h2 id="consumers-title" className="text-lg font-semibold">
        Broker consumers
      </h2>
      {listing.state === "off" ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">The publisher is off (no NATS_URL): no broker to ask.</p>
      ) : listing.state === "unavailable" ? (
        <p className="text-sm text-amber-700 dark:text-amber-400">Cannot list the consumers: {listing.reason}</p>
      ) : listing.consumers.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">No service consumes from the broker yet.</p>
      ) : (
        <Table caption="JetStream consumers">
          <thead>
            <tr>
              <Th>Stream</Th>
              <Th>Consumer</Th>
              <Th className="hidden md:table-cell">Subjects</Th>
              <Th className="text-right">Pending</Th>
              <Th className="text-right">Ack pending</Th>
              <Th className="hidden text-right sm:table-cell">Redelivered</Th>
            </tr>
          </thead>
          <tbody>
            {listing.consumers.map((c) => (
              <tr key={`${c.stream}/${c.name}`}>
                <Td className="font-mono text-xs">{c.stream}</Td>
                <Td className="font-mono text-xs">{c.name}</Td>
                <Td className="hidden font-mono text-xs md:table-cell">{c.filterSubject ?? "all"}</Td>
                <Td className="text-right font-mono">{c.pending}</Td>
                <Td className="text-right font-mono">
                  {c.ackPending}
                  {c.maxAckPending ? <span className="text-xs text-zinc-500"> / {c.maxAckPending}</span> : null}
                </Td>
                <Td className="hidden text-right font-mono sm:table-cell">{c.redelivered}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}
