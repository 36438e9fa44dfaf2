import { randomBytes } from "node:crypto";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { connectBroker } from "@/lib/broker/connection";
import { ensureStream } from "@/lib/broker/streams";
import { natsServerAvailable, startNatsServer, type TestNatsServer } from "@/lib/broker/local-server";
import { eventRegistry } from "@/lib/commands/event-registry";
import { registerCustomer } from "@/lib/commands/customer";
import { customerListProjection } from "@/lib/projections";
import { ProjectionRunner } from "@/lib/projections/runner";
import { publisherProjection, startPublisher, PUBLISHER_NAME } from "@/lib/publisher/runtime";
import { startOrdersService } from "@/services/orders/service";
import { countRows } from "../lib/data";
import { check, type BenchContext, type Scenario } from "../lib/context";
import { interleave } from "../lib/measure";
import { latencySummary } from "../lib/stats";
import { ensureCatchUpLog, quietLog, resetCustomerList } from "./catch-up";

const BENCH_PUBLISHER = "bench_publisher";

/** Publish the whole catch-up log from an empty checkpoint into a fresh JetStream stream; events/s. */
async function publishAll(ctx: BenchContext, nats: TestNatsServer, rep: number, size: number): Promise<number> {
  await ctx.raw.query(`delete from projection_checkpoints where name = $1`, [BENCH_PUBLISHER]);
  const broker = await connectBroker(nats.url);
  const stream = `BENCH_${rep + 1}`;
  try {
    const projection = publisherProjection(() => broker, { name: BENCH_PUBLISHER, stream, prefix: stream.toLowerCase(), eventTypes: Object.keys(eventRegistry) });
    await ensureStream(broker.jsm, { name: stream, subjects: [`${stream.toLowerCase()}.>`], duplicateWindowMs: 600_000 });
    const runner = new ProjectionRunner(ctx.database, [projection], { log: quietLog, decode: (db, events) => ctx.store.codec.decode(db, events) });
    const t0 = performance.now();
    await runner.drain();
    const ms = performance.now() - t0;
    const stored = (await broker.jsm.streams.info(stream)).state.messages;
    check(stored === size, `the publisher stored ${stored} of ${size} events`);
    await broker.jsm.streams.delete(stream);
    return (size * 1000) / ms;
  } finally {
    await broker.close();
  }
}

/** The customer list catching up on the same log in this process: the same run's catch-up figure. */
async function catchUpInProcess(ctx: BenchContext, size: number): Promise<number> {
  await resetCustomerList(ctx);
  const runner = new ProjectionRunner(ctx.database, [customerListProjection], { log: quietLog, decode: (db, events) => ctx.store.codec.decode(db, events) });
  const t0 = performance.now();
  await runner.drain();
  return (size * 1000) / (performance.now() - t0);
}

/** Ledger commit → orders directory row: registrations at a steady pace, the publisher and the orders service live. */
async function endToEnd(ctx: BenchContext, nats: TestNatsServer, count: number): Promise<number[]> {
  // Start publishing at the head: the catch-up log is not this measurement's business.
  await ctx.raw.query(
    `insert into projection_checkpoints (name, transaction_id, position)
     select $1, transaction_id, position from events order by transaction_id desc, position desc limit 1
     on conflict (name) do update set transaction_id = excluded.transaction_id, position = excluded.position`,
    [PUBLISHER_NAME],
  );
  const publisher = startPublisher(ctx.database, ctx.store, { url: nats.url, inProcess: true, eventTypes: Object.keys(eventRegistry), runner: { log: quietLog }, log: quietLog });
  const orders = await startOrdersService({
    database: { dataDir: path.join(ctx.tmpDir, `orders-${Date.now()}`) },
    natsUrl: nats.url,
    port: 0,
    token: randomBytes(32).toString("base64url"),
    masterKey: Buffer.alloc(32, 7),
    log: quietLog,
  });
  try {
    const ids: string[] = [];
    ctx.log("publisher: orders service up, registering customers");
    for (let i = 0; i < count; i++) {
      const r = await registerCustomer({ name: `Latency ${i}`, address: { street: `${i} Bench St`, city: "Oslo" } }, { store: ctx.store, actor: "bench" });
      ids.push(r.id);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const known = async () => (await query<{ n: number }>(orders.database.db, sql`select count(*)::int as n from orders_customer_directory`))[0].n;
    for (const deadline = Date.now() + 60_000; (await known()) < count; ) {
      check(Date.now() < deadline, `the directory holds ${await known()} of ${count} customers after 60 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const committed = new Map(
      (await ctx.raw.query<{ id: string; at: number | string }>(
        `select substring(stream_id from 10) as id, extract(epoch from created_at) * 1000 as at from events
         where stream_id in (select 'Customer-' || value from jsonb_array_elements_text($1::text::jsonb))`,
        [JSON.stringify(ids)],
      )).map((r) => [r.id, Number(r.at)]),
    );
    const rows = await query<{ customer_id: string; at: number | string }>(
      orders.database.db,
      sql`select customer_id, extract(epoch from updated_at) * 1000 as at from orders_customer_directory`,
    );
    return rows.map((r) => Number(r.at) - (committed.get(r.customer_id) ?? Number.NaN)).filter(Number.isFinite);
  } finally {
    await orders.stop();
    await publisher.stop();
  }
}

/**
 * The NATS publisher: its throughput publishing the whole catch-up log into JetStream (broker
 * acks included), beside the customer list's catch-up on the same log in the same run; and the
 * end-to-end latency from a ledger commit to the orders service's directory row.
 */
export const publisher: Scenario = {
  id: "publisher",
  appends: true,
  title: "NATS publisher throughput vs the same run's catch-up; commit → orders directory latency",
  prepare: async (ctx) => void (await ensureCatchUpLog(ctx)),
  async run(ctx) {
    if (!natsServerAvailable()) return ctx.log("publisher: skipped, nats-server is not installed");
    await ensureCatchUpLog(ctx);
    // The whole log as it is now: the read-side scenarios before this one may have topped it up.
    const size = await countRows(ctx, "events");
    const nats = await startNatsServer();
    try {
      const samples = await interleave(
        {
          catchUp: () => catchUpInProcess(ctx, size),
          publisher: (phase, rep) => (phase === "warmup" ? Promise.resolve(0) : publishAll(ctx, nats, rep, size)),
        },
        ctx.config.reps,
      );
      ctx.report({
        scenario: "publisher",
        case: `LEDGER from empty, ${size.toLocaleString("en-US")} events`,
        metric: "events/s",
        unit: "ev/s",
        better: "higher",
        values: samples.publisher,
        limit: samples.catchUp,
        limitLabel: "customer_list catch-up on the same log, in process",
        detail: "own nats-server (file store); windows of 256 publishes awaited together; checkpoint per batch",
      });
      ctx.log(`publisher: ${samples.publisher.map((v) => Math.round(v)).join(", ")} ev/s; now commit → directory latency`);
      const latencies = await endToEnd(ctx, nats, ctx.config.quick ? 60 : 300);
      const summary = latencySummary(latencies);
      ctx.report({
        scenario: "publisher",
        case: "ledger commit → orders directory row",
        metric: "p99 latency",
        unit: "ms",
        better: "lower",
        values: [summary.p99],
        detail: `p50 ${summary.p50.toFixed(1)} ms; ${latencies.length} registrations at ~50/s; publisher + orders service (PGlite) in this process`,
      });
    } finally {
      await nats.dispose();
    }
  },
};
