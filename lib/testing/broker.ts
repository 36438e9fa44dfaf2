import type { Broker } from "@/lib/broker/connection";
import type { PublishedEvent } from "@/lib/publisher/message";

export interface StoredMessage {
  seq: number;
  subject: string;
  msgId: string | undefined;
  body: PublishedEvent;
}

/** Every message of a JetStream stream, in stream order (by sequence, a hundred requests at a time). */
export async function readStreamMessages(broker: Broker, stream: string): Promise<StoredMessage[]> {
  const info = await broker.jsm.streams.info(stream);
  const { first_seq: first, last_seq: last, messages } = info.state;
  if (!messages) return [];
  const out: StoredMessage[] = [];
  for (let start = first; start <= last; start += 100) {
    const seqs = Array.from({ length: Math.min(100, last - start + 1) }, (_, i) => start + i);
    const got = await Promise.all(seqs.map((seq) => broker.jsm.streams.getMessage(stream, { seq }).catch(() => null)));
    for (const message of got) {
      if (!message) continue;
      out.push({
        seq: message.seq,
        subject: message.subject,
        msgId: message.header.get("Nats-Msg-Id") || undefined,
        body: message.json<PublishedEvent>(),
      });
    }
  }
  return out;
}

/** Resolve when `check` holds, polling; reject with `what` after `timeoutMs` (a generous bound, not a timing assert). */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
