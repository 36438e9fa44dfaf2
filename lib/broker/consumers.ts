import type { Broker } from "./connection";

export interface BrokerConsumer {
  stream: string;
  name: string;
  filterSubject: string | null;
  /** Messages of the stream not yet delivered to it. */
  pending: number;
  /** Delivered, not yet acknowledged (bounded by maxAckPending). */
  ackPending: number;
  maxAckPending: number | null;
  redelivered: number;
}

/** Every durable consumer of every stream on the broker, from the broker's own consumer info. */
export async function listConsumers(broker: Broker): Promise<BrokerConsumer[]> {
  const out: BrokerConsumer[] = [];
  for await (const stream of broker.jsm.streams.list()) {
    for await (const info of broker.jsm.consumers.list(stream.config.name)) {
      out.push({
        stream: info.stream_name,
        name: info.name,
        filterSubject: info.config.filter_subject ?? null,
        pending: info.num_pending,
        ackPending: info.num_ack_pending,
        maxAckPending: info.config.max_ack_pending ?? null,
        redelivered: info.num_redelivered,
      });
    }
  }
  return out.sort((a, b) => a.stream.localeCompare(b.stream) || a.name.localeCompare(b.name));
}
