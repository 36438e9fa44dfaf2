import assert from "node:assert/strict";
import { it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureStream } from "@/lib/broker/streams";
import type { PublishedEvent } from "@/lib/publisher/message";
import { eventually } from "@/lib/testing/broker";
import { useFileNats } from "@/lib/testing/nats-server";
import { quietLog } from "@/lib/testing/projections";
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from "@/lib/testing/test-db";
import { applyToDirectory, DIRECTORY_SCHEMA } from "../orders/directory";
import { startConsumer } from "./consumer";
import { openServiceDatabase } from "./database";

// A flood of 20,000 customer events on the broker, a slow consumer: memory stays flat and the
// consumer never holds more than max_ack_pending messages.

const nats = useFileNats();
const { skip } = nats;
const TOTAL = 20_000;
const MAX_ACK_PENDING = 64;

describePostgres("consumer backpressure", () => {
  it("20,000 customer events through a slow consumer: RSS flat (peak at 20k ÷ peak at 10k ≤ 1.1), max_ack_pending never exceeded", { skip, timeout: 600_000 }, async (ctx) => {
    const created: TestDatabase = await createPostgresTestDatabase();
    await created.database.close();
    const database = await openServiceDatabase({ url: created.url! }, "backpressure", DIRECTORY_SCHEMA);
    try {
      await ensureStream(nats.broker.jsm, { name: "FLOOD", subjects: ["flood.>"], duplicateWindowMs: 60_000 });
      const acks: Promise<unknown>[] = [];
      for (let i = 0; i < TOTAL; i++) {
        const customer = Math.floor(i / 10);
        const version = (i % 10) + 1;
        const body: PublishedEvent = {
          id: `00000000-0000-7000-8000-${String(i).padStart(12, "0")}`,
          streamId: `Customer-c${customer}`,
          type: version === 1 ? "CustomerRegistered" : "CustomerRenamed",
          version,
          position: i + 1,
          data: version === 1 ? { name: `Customer ${customer}`, address: { street: `${customer} Flood St`, city: "Oslo" } } : { newName: `Name ${version}` },
          metadata: { commandId: "c", correlationId: "c", causationId: null, actor: "flood" },
          timestamp: new Date(0).toISOString(),
          schemaVersion: 1,
        };
        acks.push(nats.broker.js.publish(`flood.Customer.${body.type}`, JSON.stringify(body), { msgID: body.id }));
        if (acks.length === 500) await Promise.all(acks.splice(0));
      }
      await Promise.all(acks);

      let overBound = 0;
      const consumer = await startConsumer(nats.broker, database, {
        stream: "FLOOD",
        filterSubject: "flood.>",
        durable: "flood-directory",
        workers: 8,
        maxAckPending: MAX_ACK_PENDING,
        log: quietLog,
        async handle(tx, event) {
          await sleep(1); // the slow consumer
          await applyToDirectory(tx, event, quietLog);
        },
      });
      const peaks = { half: 0, full: 0 };
      let ackPendingMax = 0;
      const sampler = setInterval(() => {
        const rss = process.memoryUsage().rss;
        if (consumer.applied() < TOTAL / 2) peaks.half = Math.max(peaks.half, rss);
        else peaks.full = Math.max(peaks.full, rss);
        if (consumer.pool.size > MAX_ACK_PENDING) overBound++;
      }, 20);
      const infoSampler = setInterval(() => {
        void consumer.info().then((info) => (ackPendingMax = Math.max(ackPendingMax, info.num_ack_pending)), () => {});
      }, 200);
      try {
        await eventually("the flood consumed", () => consumer.applied() === TOTAL, 540_000);
      } finally {
        clearInterval(sampler);
        clearInterval(infoSampler);
        await consumer.stop();
      }
      peaks.full = Math.max(peaks.full, peaks.half);
      const ratio = peaks.full / peaks.half;
      ctx.diagnostic(`RSS peak at 10k ${Math.round(peaks.half / 2 ** 20)} MB, at 20k ${Math.round(peaks.full / 2 ** 20)} MB (×${ratio.toFixed(3)}); broker ack-pending max ${ackPendingMax}`);
      assert.ok(ratio <= 1.1, `RSS grew ×${ratio.toFixed(3)}`);
      assert.equal(overBound, 0, "the consumer held more messages than max_ack_pending");
      assert.ok(ackPendingMax <= MAX_ACK_PENDING, `broker reported ${ackPendingMax} unacknowledged`);
    } finally {
      await database.close();
      await created.drop();
    }
  });
});
