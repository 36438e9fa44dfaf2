/**
 * Where the load half of a command goes (analysis, not part of `npm run bench`):
 *   npx tsx bench/explore/command-load.mts
 * 64 customers of 175 events with a snapshot at 100 (a 75-event tail), loaded at c=16 by
 * loadCustomer (Drizzle, unprepared, two round trips) and by raw SQL: two queries unprepared,
 * two prepared, and one prepared query returning the snapshot and its tail together.
 */
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { connectPostgres } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { EventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/eventstore/customer-registry";
import { loadCustomer } from "@/lib/commands/customer";
import { CUSTOMER_STATE_SHAPE } from "@/lib/domain/customer/state";
import { bulkAppend, changeCustomer, newCustomer, rng } from "../lib/data";

const name = `ledger_explore_${process.pid}`;
const admin = postgres("postgres://postgres@127.0.0.1:5432/postgres", { max: 1, onnotice() {} });
await admin.unsafe(`create database ${name}`);
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
const database = await connectPostgres({ url, max: 16 });
await migrateDatabase(database, url);
const sql = postgres(url, { max: 16, onnotice() {} });
const ctx: any = { raw: { query: async (t: string, p: unknown[] = []) => [...(await sql.unsafe(t, p as never[], { prepare: true }))] } };
const store = new EventStore(database.db, eventRegistry);
const r = rng(2);
const customers: any[] = [];
const appends: any[] = [];
for (let i = 0; i < 64; i++) {
  const { sketch, event } = newCustomer(r);
  const events = [event];
  while (sketch.version < 175) events.push(changeCustomer(r, sketch));
  customers.push(sketch);
  appends.push({ streamId: sketch.streamId, expected: "no_stream", events });
}
await bulkAppend(ctx, appends, 64);
for (const c of customers) {
  const at = await loadCustomer(store, c.id, 100);
  await store.saveSnapshot({ streamId: c.streamId, version: 100, shapeVersion: CUSTOMER_STATE_SHAPE, state: at.state });
}
await sql.unsafe("analyze");
const variants: Record<string, (c: any) => Promise<unknown>> = {
  "loadCustomer (drizzle, unprepared)": (c) => loadCustomer(store, c.id),
  "raw 2 queries, unprepared": async (c) => { const [s] = await sql.unsafe(`select version, state from snapshots where stream_id = $1 and shape_version = $2 order by version desc limit 1`, [c.streamId, 1], { prepare: false }); return sql.unsafe(`select * from events where stream_id = $1 and version > $2 order by version`, [c.streamId, s.version], { prepare: false }); },
  "raw 2 queries, prepared": async (c) => { const [s] = await sql.unsafe(`select version, state from snapshots where stream_id = $1 and shape_version = $2 order by version desc limit 1`, [c.streamId, 1], { prepare: true }); return sql.unsafe(`select * from events where stream_id = $1 and version > $2 order by version`, [c.streamId, s.version], { prepare: true }); },
  "raw 1 query, prepared": (c) => sql.unsafe(`with s as (select version, state from snapshots where stream_id = $1 and shape_version = $2 order by version desc limit 1)
     select null::bigint as position, s.version, null::text as type, s.state as data from s
     union all
     select e.position, e.version, e.type, e.data from events e where e.stream_id = $1 and e.version > coalesce((select version from s), 0)`, [c.streamId, 1], { prepare: true }),
};
async function run(op: (c: any) => Promise<unknown>, ms: number) {
  let n = 0; const end = performance.now() + ms; const t0 = performance.now();
  await Promise.all(Array.from({ length: 16 }, async (_, w) => { let i = 0; while (performance.now() < end) { await op(customers[w + 16 * (i++ % 4)]); n++; } }));
  return n * 1000 / (performance.now() - t0);
}
const res: Record<string, number[]> = {};
const entries = Object.entries(variants);
for (const [, op] of entries) await run(op, 300);
for (let rep = 0; rep < 3; rep++) for (const [k, op] of rep % 2 ? [...entries].reverse() : entries) (res[k] ??= []).push(await run(op, 1500));
for (const [k, xs] of Object.entries(res)) { const s = [...xs].sort((a, b) => a - b); console.log(k.padEnd(38), s[1].toFixed(0), `(${xs.map((x) => x.toFixed(0)).join(", ")})`); }
await sql.end(); await database.close();
await admin.unsafe(`drop database ${name} with (force)`); await admin.end();
