import { listConsumers, type BrokerConsumer } from "@/lib/broker/consumers";
import { describeError } from "@/lib/projections/errors";
import type { PublisherRuntime } from "@/lib/publisher/runtime";

export type { BrokerConsumer };

export type ConsumerListing =
  | { state: "off" }
  | { state: "unavailable"; reason: string }
  | { state: "listed"; consumers: BrokerConsumer[] };

/** The JetStream consumers (pending, ack-pending) as the broker reports them, through the publisher's connection. */
export async function brokerConsumers(app: { publisher: PublisherRuntime | null }): Promise<ConsumerListing> {
  if (!app.publisher) return { state: "off" };
  const broker = app.publisher.broker();
  if (!broker) return { state: "unavailable", reason: "not connected to the broker (yet), or the publisher runs in a worker" };
  try {
    return { state: "listed", consumers: await listConsumers(broker) };
  } catch (error) {
    return { state: "unavailable", reason: describeError(error) };
  }
}
