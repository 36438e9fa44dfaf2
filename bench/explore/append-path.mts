/**
 * Where append-one's time goes (analysis, not part of `npm run bench`):
 *   npx tsx bench/explore/append-path.mts            (CONC=1,16 by default)
 * On a fresh scratch database (dropped at the end), interleaved, 3 × 1.5 s per variant, new streams:
 *   limit                         prepared INSERT of one event-shaped row per transaction
 *   raw ledger_append             the append function called with raw SQL (prepared)
 *   store.append                  EventStore.append as the app calls it (NOTIFY after commit)
 *   store.append, no NOTIFY       the same with the wake-up NOTIFY dropped (what it costs)
 */
import { performance } from "node:perf_hooks";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { v7 as uuidv7 } from "uuid";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";
import { createEventStore, type EventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/commands/event-registry";
import { newCustomer, rng } from "../lib/data";
import { migratedScratch } from "./scratch";

const scratch = await migratedScratch(16);
const { url, database } = scratch;
const sql = postgres(url, { max: 16, onnotice() {} });
await sql.unsafe(`create table lim (like events including defaults including indexes)`);
const int8 = { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) };
const quiet = postgres(url, { max: 16, onnotice() {}, types: { int8 } as never });
const quietDb = drizzle(quiet, { schema }) as unknown as Db & { $client: typeof quiet };
const unsafe = quiet.unsafe.bind(quiet);
(quietDb as { $client: unknown }).$client = { unsafe: (text: string, params: never[], options: never) => (text.includes("pg_notify") ? Promise.resolve([]) : unsafe(text, params, options)) };
const store = createEventStore(database.db, eventRegistry);
const quietStore = createEventStore(quietDb, eventRegistry);
// The wake-up NOTIFY on a connection of its own, so that the appends' pool never hands a writer
// the backend that just notified.
const apart = postgres(url, { max: 16, onnotice() {}, types: { int8 } as never });
const notifier = postgres(url, { max: 1, onnotice() {} });
const apartDb = drizzle(apart, { schema }) as unknown as Db;
const apartUnsafe = apart.unsafe.bind(apart);
(apartDb as { $client: unknown }).$client = {
  unsafe: (text: string, params: never[], options: never) => (text.includes("pg_notify") ? notifier.unsafe(text, params, options) : apartUnsafe(text, params, options)),
};
const apartStore = createEventStore(apartDb, eventRegistry);

const r = rng(1);
const meta = () => {
  const id = uuidv7();
  return { commandId: id, correlationId: id, causationId: null, actor: "bench" };
};
const variants: Record<string, () => Promise<unknown>> = {
  limit: () => {
    const { sketch, event } = newCustomer(r);
    return sql.unsafe(
      `insert into lim (id, stream_id, version, type, data, metadata) values ($1, $2, 1, $3, $4::text::jsonb, $5::text::jsonb)`,
      [uuidv7(), sketch.streamId, event.type, JSON.stringify(event.data), JSON.stringify(meta())],
      { prepare: true },
    );
  },
  "raw ledger_append": () => {
    const { sketch, event } = newCustomer(r);
    const payload = JSON.stringify([{ id: uuidv7(), type: event.type, schemaVersion: 1, data: event.data, metadata: meta() }]);
    return sql.unsafe(`select * from ledger_append($1, 'Customer', 'no_stream', $2::text::jsonb, null)`, [sketch.streamId, payload], { prepare: true });
  },
  "store.append": () => {
    const { sketch, event } = newCustomer(r);
    return store.append(sketch.streamId, [event], { expectedVersion: "no_stream" });
  },
  "store.append, NOTIFY apart": () => {
    const { sketch, event } = newCustomer(r);
    return apartStore.append(sketch.streamId, [event], { expectedVersion: "no_stream" });
  },
  "store.append, no NOTIFY": () => {
    const { sketch, event } = newCustomer(r);
    return quietStore.append(sketch.streamId, [event], { expectedVersion: "no_stream" });
  },
};

async function run(concurrency: number, op: () => Promise<unknown>, ms: number) {
  let n = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - t0 < ms) {
        await op();
        n++;
      }
    }),
  );
  return (n * 1000) / (performance.now() - t0);
}

for (const concurrency of (process.env.CONC ?? "1,16").split(",").map(Number)) {
  const entries = Object.entries(variants);
  const rates: Record<string, number[]> = {};
  for (const [, op] of entries) await run(concurrency, op, 300);
  for (let rep = 0; rep < 3; rep++) {
    for (const [label, op] of rep % 2 ? [...entries].reverse() : entries) (rates[label] ??= []).push(await run(concurrency, op, 1500));
  }
  const limit = [...rates.limit].sort((a, b) => a - b)[1];
  for (const [label, xs] of Object.entries(rates)) {
    const median = [...xs].sort((a, b) => a - b)[1];
    console.log(`c=${concurrency}  ${label.padEnd(28)} ${median.toFixed(0).padStart(6)} ev/s  ÷ limit ${(median / limit).toFixed(2)}  (${xs.map((x) => x.toFixed(0)).join(", ")})`);
  }
}
await new Promise((resolve) => setTimeout(resolve, 50));
await quiet.end();
await apart.end();
await notifier.end();
await sql.end();
await database.close();
await scratch.drop();
