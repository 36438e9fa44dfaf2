/**
 * The Emmett peer (`npm run bench -- --peers`): Emmett's PostgreSQL event store, run in its own
 * process on the bench database (its own emt_* tables), with a pg pool sized like ours, doing the
 * same work as our scenarios with the same event shapes and the same warm-up and repetitions.
 * Prints one JSON line: the per-repetition figures.
 *
 *   node --import tsx bench/peers/emmett.ts '{"peerDir":…,"url":…,"scenario":"append-one",…}'
 *
 * Emmett is installed only for the bench, into `.bench-peers/` (bench/lib/peers.ts), and loaded
 * from there by path, so the app never depends on it.
 */
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { changeCustomer, newCustomer, rng } from "../lib/data";
import { median } from "../lib/stats";

const argsSchema = z.object({
  peerDir: z.string(),
  url: z.string(),
  scenario: z.enum(["append-one", "append-batch", "read-stream", "read-all"]),
  concurrency: z.number().int().positive().default(1),
  repMs: z.number().positive(),
  warmupMs: z.number().positive(),
  reps: z.number().int().positive(),
  pool: z.number().int().positive(),
  size: z.number().int().positive().default(10_000),
});
const args = argsSchema.parse(JSON.parse(process.argv[2] ?? "{}"));

/* eslint-disable @typescript-eslint/no-explicit-any -- a peer loaded by path at run time */
const pkg = (name: string) => path.join(args.peerDir, "node_modules", name);
const emmett: any = await import(pathToFileURL(path.join(pkg("@event-driven-io/emmett-postgresql"), "dist/index.js")).href);
const dumboModule: any = await import(pathToFileURL(path.join(pkg("@event-driven-io/dumbo"), "dist/index.js")).href);
// pg as Emmett itself imports it (ESM): a pool from the CommonJS copy is another class to it.
const pg: any = (await import(pathToFileURL(path.join(pkg("pg"), "esm/index.mjs")).href)).default;

const pool = new pg.Pool({ connectionString: args.url, max: args.pool });
const store = emmett.getPostgreSQLEventStore(args.url, { connectionOptions: { pool } });
await store.schema.migrate();
const r = rng(11);

/** Closed-loop load for `ms`: `concurrency` workers each awaiting `op`; returns events/s. */
async function load(ms: number, op: (worker: number) => Promise<number>): Promise<number> {
  let events = 0;
  const begin = performance.now();
  const deadline = begin + ms;
  await Promise.all(
    Array.from({ length: args.concurrency }, async (_, w) => {
      while (performance.now() < deadline) {
        // Not `events += await op(w)`: that reads `events` before the await and loses the other workers' counts.
        const handled = await op(w);
        events += handled;
      }
    }),
  );
  return (events * 1000) / (performance.now() - begin);
}

async function repeat(measure: (ms: number) => Promise<number>): Promise<number[]> {
  await measure(args.warmupMs);
  const values: number[] = [];
  for (let i = 0; i < args.reps; i++) values.push(await measure(args.repMs));
  return values;
}

async function appendOne(): Promise<number[]> {
  const streams = Array.from({ length: args.concurrency }, () => newCustomer(r));
  for (const s of streams) await store.appendToStream(s.sketch.streamId, [s.event], { expectedStreamVersion: 0n });
  return repeat((ms) =>
    load(ms, async (w) => {
      const s = streams[w].sketch;
      const expected = BigInt(s.version);
      const event = changeCustomer(r, s);
      const result = await store.appendToStream(s.streamId, [event], { expectedStreamVersion: expected });
      if (result.nextExpectedStreamVersion !== BigInt(s.version)) throw new Error(`Emmett appended ${s.streamId} at ${result.nextExpectedStreamVersion}`);
      return 1;
    }),
  );
}

function batchOf(n: number) {
  const { sketch, event } = newCustomer(r);
  const events = [event];
  while (events.length < n) events.push(changeCustomer(r, sketch));
  return { streamId: sketch.streamId, events };
}

async function appendBatch(): Promise<number[]> {
  return repeat((ms) =>
    load(ms, async () => {
      const { streamId, events } = batchOf(100);
      await store.appendToStream(streamId, events, { expectedStreamVersion: 0n });
      return 100;
    }),
  );
}

/** p50 latency (ms) of reading one `size`-event stream, per repetition. */
async function readStream(): Promise<number[]> {
  const { streamId, events } = batchOf(args.size);
  for (let i = 0; i < events.length; i += 1000) {
    await store.appendToStream(streamId, events.slice(i, i + 1000), { expectedStreamVersion: BigInt(i) });
  }
  const latencies = async (ms: number) => {
    const each: number[] = [];
    const deadline = performance.now() + ms;
    while (performance.now() < deadline) {
      const t0 = performance.now();
      const read = await store.readStream(streamId);
      if (read.events.length !== args.size) throw new Error(`Emmett read ${read.events.length} of ${args.size} events`);
      each.push(performance.now() - t0);
    }
    return median(each);
  };
  return repeat(latencies);
}

/** events/s reading its whole log (`size` events written here, in its own tables) in pages of 1,000. */
async function readAll(): Promise<number[]> {
  for (let written = 0; written < args.size; written += 1000) {
    const { streamId, events } = batchOf(Math.min(1000, args.size - written));
    await store.appendToStream(streamId, events, { expectedStreamVersion: 0n });
  }
  const [{ n }] = (await pool.query("select count(*)::int as n from emt_messages")).rows;
  const executor = dumboModule.dumbo({ connectionString: args.url });
  try {
    return await repeat(async () => {
      const t0 = performance.now();
      let after = 0n;
      let read = 0;
      for (;;) {
        const batch = await emmett.readMessagesBatch(executor.execute, { after, batchSize: 1000 });
        read += batch.messages.length;
        if (!batch.areMessagesLeft || batch.messages.length === 0) break;
        after = batch.currentGlobalPosition;
      }
      if (read !== n) throw new Error(`Emmett read ${read} of ${n} messages`);
      return (read * 1000) / (performance.now() - t0);
    });
  } finally {
    await executor.close();
  }
}

const run = { "append-one": appendOne, "append-batch": appendBatch, "read-stream": readStream, "read-all": readAll }[args.scenario];
try {
  const values = await run();
  console.log(JSON.stringify({ values }));
} finally {
  await store.close().catch(() => {});
  await pool.end().catch(() => {});
}
