import assert from "node:assert/strict";
import { afterEach, beforeEach, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { ensureStream } from "@/lib/broker/streams";
import type { PublishedEvent } from "@/lib/publisher/message";
import { eventually } from "@/lib/testing/broker";
import { useFileNats } from "@/lib/testing/nats-server";
import { quietLog } from "@/lib/testing/projections";
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from "@/lib/testing/test-db";
import { settleOrder } from "../payments/service";
import { startConsumer, type ConsumerSpec, type RunningConsumer } from "./consumer";
import { openServiceDatabase } from "./database";

const nats = useFileNats();
const { skip } = nats;

let counter = 0;
const event = (streamId: string, version: number, type: string, data: unknown): PublishedEvent => ({
  id: `00000000-0000-7000-8000-${String(++counter).padStart(12, "0")}`,
  streamId,
  type,
  version,
  position: counter,
  data,
  metadata: { commandId: "c", correlationId: "c", causationId: null, actor: "test" },
  timestamp: new Date(0).toISOString(),
  schemaVersion: 1,
});

async function publishAll(stream: string, events: PublishedEvent[]) {
  for (const e of events) await nats.broker.js.publish(`${stream.toLowerCase()}.${e.streamId.split("-")[0]}.${e.type}`, JSON.stringify(e), { msgID: e.id });
}

describePostgres("service consumers", () => {
  let t: TestDatabase;
  let stream: string;
  const running: RunningConsumer[] = [];
  beforeEach(async () => {
    if (skip) return;
    const created = await createPostgresTestDatabase();
    await created.database.close();
    t = { ...created, database: await openServiceDatabase({ url: created.url! }, "test-service", [
      `create table if not exists payments_customer_credit (customer_id text primary key, captured numeric(14, 2) not null default 0, updated_at timestamptz not null default now())`,
      `create table if not exists applied (stream_id text, version int, at timestamptz default clock_timestamp())`,
    ]) };
    stream = `TEST_${++counter}`;
    await ensureStream(nats.broker.jsm, { name: stream, subjects: [`${stream.toLowerCase()}.>`], duplicateWindowMs: 60_000 });
  });
  afterEach(async () => {
    for (const consumer of running.splice(0)) await consumer.stop();
    await t?.drop();
  });
  const start = async (spec: Omit<ConsumerSpec, "stream" | "filterSubject" | "log">) => {
    const consumer = await startConsumer(nats.broker, t.database, { ...spec, stream, filterSubject: `${stream.toLowerCase()}.>`, log: quietLog });
    running.push(consumer);
    return consumer;
  };

  it("a message delivered again after its effect committed (consumer restarted before the ack) changes nothing the second time", { skip }, async () => {
    const placed = event("Order-o1", 1, "OrderPlaced", { orderId: "o1", customerId: "c1", total: 40 });
    await publishAll(stream, [placed]);
    let release: (error: Error) => void = () => {};
    let deliveries = 0;
    const spec = { durable: "payments-test", workers: 8, maxAckPending: 16, ackWaitMs: 1000, handle: (tx: Parameters<ConsumerSpec["handle"]>[0], e: PublishedEvent) => settleOrder(tx, e, 100, quietLog) };
    const first = await start({
      ...spec,
      afterCommit: async () => {
        deliveries++;
        // The process "dies" between the commit and the ack.
        await new Promise<void>((_, reject) => (release = reject));
      },
    });
    await eventually("first delivery committed", () => deliveries === 1);
    assert.equal(first.applied(), 1);
    const stopping = first.stop();
    release(new Error("killed before the ack"));
    await stopping;
    running.splice(running.indexOf(first), 1);
    const second = await start({ ...spec, afterCommit: async () => void deliveries++ });
    await eventually("redelivered and acknowledged", async () => deliveries === 2 && (await second.info()).num_ack_pending === 0);
    assert.equal(second.applied(), 0, "the redelivery applied nothing");
    const payments = await query<{ type: string }>(t.database.db, sql`select type from events where stream_id = 'Payment-o1'`);
    assert.deepEqual(payments.map((p) => p.type), ["PaymentCaptured"]);
    const [credit] = await query<{ captured: string }>(t.database.db, sql`select captured::text from payments_customer_credit where customer_id = 'c1'`);
    assert.equal(Number(credit.captured), 40);
  });

  it("a pool of 8 workers applies each stream's events in version order while streams run in parallel", { skip }, async () => {
    const events: PublishedEvent[] = [];
    for (let c = 0; c < 30; c++) for (let v = 1; v <= 8; v++) events.push(event(`Customer-c${c}`, v, "CustomerRenamed", { newName: `n${v}` }));
    await publishAll(stream, events);
    const run = async (durable: string, keyOf?: (e: PublishedEvent) => string) => {
      await t.database.db.execute(sql`truncate applied`);
      const consumer = await start({
        durable,
        workers: 8,
        maxAckPending: 64,
        keyOf,
        async handle(tx, e) {
          // Uneven work, so that an unordered pool would overtake itself.
          await sleep(((e.position * 7919) % 5) * 2);
          await tx.execute(sql`insert into applied (stream_id, version) values (${e.streamId}, ${e.version})`);
        },
      });
      await eventually("all applied", () => consumer.applied() === events.length, 120_000);
      const rows = await query<{ stream_id: string; version: number }>(t.database.db, sql`select stream_id, version from applied order by at`);
      const last = new Map<string, number>();
      let inOrder = true;
      for (const row of rows) {
        if ((last.get(row.stream_id) ?? 0) + 1 !== row.version) inOrder = false;
        last.set(row.stream_id, row.version);
      }
      return { inOrder, peak: consumer.pool.peakRunning };
    };
    const keyed = await run("ordered");
    assert.ok(keyed.inOrder, "each stream's events in version order");
    assert.ok(keyed.peak > 1, `streams ran in parallel (peak ${keyed.peak})`);
    // The control: the same pool keyed by message (no per-stream ordering) does overtake itself,
    // so the check above can fail.
    const unkeyed = await run("unordered", (e) => e.id);
    assert.equal(unkeyed.inOrder, false, "without per-key ordering the versions interleave");
  });
});
