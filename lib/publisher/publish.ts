import { headers } from "@nats-io/transport-node";
import type { RecordedEvent } from "@/lib/eventstore";
import type { Broker } from "@/lib/broker/connection";
import { TransientFailure, describeError } from "@/lib/projections/errors";
import { bodyOf, cursorText, CURSOR_HEADER, isAfter, LOG_HEADER, parseCursorText, subjectOf } from "./message";

export interface PublishTarget {
  /** The JetStream stream (`LEDGER`). */
  stream: string;
  /** The subject prefix (`ledger`). */
  prefix: string;
  /** Publishes awaited together (in flight at once); the order on the wire is the log order. */
  window: number;
}

/** The last message the stream holds: its sequence and, if this log published it, the follower cursor it carries. */
async function lastStored(broker: Broker, stream: string, log: string) {
  const info = await broker.jsm.streams.info(stream);
  const seq = info.state.last_seq;
  if (!seq || info.state.messages === 0) return { seq, cursor: null };
  const message = await broker.jsm.streams.getMessage(stream, { seq });
  const ours = message?.header.get(LOG_HEADER) === log;
  return { seq, cursor: ours ? parseCursorText(message?.header.get(CURSOR_HEADER)) : null };
}

/**
 * Publish `events` (in log order) to the stream, each once, in order, and resolve only when the
 * broker has acknowledged (stored) every one of them; throw a TransientFailure otherwise.
 *
 * Exactly once, in order, whatever fails where:
 * - events at or before the cursor of the stream's last message (if this log, `target.log`,
 *   published it) were stored by an earlier try
 *   whose checkpoint never moved (a crash after the ack, before the commit): they are skipped,
 *   however long ago that was (the duplicate window alone would only cover a short outage);
 * - every publish states the stream sequence it expects to follow (`Nats-Expected-Last-Sequence`),
 *   so if one message of a window is lost (the broker died with it in flight), every later one
 *   is refused instead of being stored after a gap; the retry starts again from the stream's
 *   last message;
 * - `Nats-Msg-Id` is the event id: a repeat inside the duplicate window is dropped by the broker.
 */
export async function publishEvents(
  broker: Broker,
  target: PublishTarget & { log: string },
  events: readonly RecordedEvent[],
): Promise<number> {
  let last: Awaited<ReturnType<typeof lastStored>>;
  try {
    last = await lastStored(broker, target.stream, target.log);
  } catch (error) {
    throw new TransientFailure(`broker unavailable: ${describeError(error)}`);
  }
  const fresh = events.filter((event) => isAfter(event, last.cursor));
  let seq = last.seq;
  for (let start = 0; start < fresh.length; start += target.window) {
    const slice = fresh.slice(start, start + target.window);
    const acks = slice.map((event, i) => {
      const h = headers();
      h.set(CURSOR_HEADER, cursorText(event));
      h.set(LOG_HEADER, target.log);
      return broker.js.publish(subjectOf(target.prefix, event), JSON.stringify(bodyOf(event)), {
        msgID: event.id,
        headers: h,
        expect: { streamName: target.stream, lastSequence: seq + i },
      });
    });
    // Wait for every publish of the window, so that none is still in flight when the retry looks
    // at the stream's last message.
    const results = await Promise.allSettled(acks);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw new TransientFailure(`publish to ${target.stream} failed: ${describeError(failed.reason)}`);
    seq += slice.length;
  }
  return fresh.length;
}
