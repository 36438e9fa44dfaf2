// Exploration: where append-one's time goes. Same DB, interleaved, c=1 and c=16.
import { performance } from "node:perf_hooks";
import fs from "node:fs";
import postgres from "postgres";
import { v7 as uuidv7 } from "uuid";
import { connectPostgres } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { EventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/eventstore/customer-registry";
import { newCustomer, rng } from "../lib/data";

const name = `bench_x_${process.pid}`;
const admin = postgres("postgres://postgres@127.0.0.1:5432/postgres", { max: 1, onnotice() {} });
await admin.unsafe(`create database ${name}`);
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
const database = await connectPostgres({ url, max: 16 });
await migrateDatabase(database, url);
const sql = postgres(url, { max: 16, onnotice() {} });
const fn = fs.readFileSync("db/migrations/0001_append_function.sql", "utf8");
await sql.unsafe(fn.replace("FUNCTION ledger_append(", "FUNCTION ledger_append_nn(").replace("PERFORM pg_notify('ledger_events', v_last::text);", ""));
await sql.unsafe(`create table lim (like events including defaults including indexes)`);
const store = new EventStore(database.db, eventRegistry);
const r = rng(1);
const meta = () => { const c = uuidv7(); return { commandId: c, correlationId: c, causationId: null, actor: "bench" }; };
const payload = (e: any) => JSON.stringify([{ id: uuidv7(), type: e.type, schemaVersion: 1, data: e.data, metadata: meta() }]);
const variants: Record<string, () => Promise<unknown>> = {
  limit: () => { const { sketch, event } = newCustomer(r); return sql.unsafe(`insert into lim (id, stream_id, version, type, data, metadata) values ($1,$2,1,$3,$4::text::jsonb,$5::text::jsonb)`, [uuidv7(), sketch.streamId, event.type, JSON.stringify(event.data), JSON.stringify(meta())], { prepare: true }); },
  "limit+notify": () => { const { sketch, event } = newCustomer(r); return sql.unsafe(`with i as (insert into lim (id, stream_id, version, type, data, metadata) values ($1,$2,1,$3,$4::text::jsonb,$5::text::jsonb) returning position) select pg_notify('x', position::text) from i`, [uuidv7(), sketch.streamId, event.type, JSON.stringify(event.data), JSON.stringify(meta())], { prepare: true }); },
  "raw ledger_append": () => { const { sketch, event } = newCustomer(r); return sql.unsafe(`select * from ledger_append($1, 'Customer', 'no_stream', $2::text::jsonb, null)`, [sketch.streamId, payload(event)], { prepare: true }); },
  "raw ledger_append unprepared": () => { const { sketch, event } = newCustomer(r); return sql.unsafe(`select * from ledger_append($1, 'Customer', 'no_stream', $2::text::jsonb, null)`, [sketch.streamId, payload(event)], { prepare: false }); },
  "raw ledger_append, no notify": () => { const { sketch, event } = newCustomer(r); return sql.unsafe(`select * from ledger_append_nn($1, 'Customer', 'no_stream', $2::text::jsonb, null)`, [sketch.streamId, payload(event)], { prepare: true }); },
  "store.append": () => { const { sketch, event } = newCustomer(r); return store.append(sketch.streamId, [event], { expectedVersion: "no_stream" }); },
};
async function run(c: number, op: () => Promise<unknown>, ms: number) {
  let n = 0; const end = performance.now() + ms; const t0 = performance.now();
  await Promise.all(Array.from({ length: c }, async () => { while (performance.now() < end) { await op(); n++; } }));
  return n * 1000 / (performance.now() - t0);
}
for (const c of (process.env.CONC ?? '1,16').split(',').map(Number)) {
  const res: Record<string, number[]> = {};
  for (const [k, op] of Object.entries(variants)) await run(c, op, 300);
  const entries = Object.entries(variants);
  for (let rep = 0; rep < 3; rep++) for (const [k, op] of rep % 2 ? [...entries].reverse() : entries) (res[k] ??= []).push(await run(c, op, 1500));
  for (const [k, xs] of Object.entries(res)) { xs.sort((a, b) => a - b); console.log(`c=${c}`, k.padEnd(30), xs[1].toFixed(0), `(${xs.map((x) => x.toFixed(0)).join(", ")})`); }
}
await sql.end(); await database.close();
await admin.unsafe(`drop database ${name} with (force)`); await admin.end();
