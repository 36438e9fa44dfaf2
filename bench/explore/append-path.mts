/**
 * Where append-one's time goes (analysis, not part of `npm run bench`):
 *   npx tsx bench/explore/append-path.mts            (CONC=1,16 by default)
 * On a fresh scratch database (dropped at the end), interleaved, 3 × 1.5 s per variant:
 *   limit                      prepared INSERT of one event-shaped row per transaction
 *   raw ledger_append          the append function called with raw SQL (prepared)
 *   raw ledger_append, no notify   the same function minus its `PERFORM pg_notify(...)`
 *   store.append               EventStore.append as the app calls it
 *   store.append, no notify + notify after commit
 *                              EventStore.append against the function without NOTIFY (a copy in
 *                              schema `nn`), followed by a coalesced NOTIFY sent after commit
 *                              (one in flight, async commit): the proposed fix
 */
import { performance } from "node:perf_hooks";
import fs from "node:fs";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { v7 as uuidv7 } from "uuid";
import { connectPostgres, type Db } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import * as schema from "@/db/schema";
import { EventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/eventstore/customer-registry";
import { newCustomer, rng } from "../lib/data";

const server = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const name = `ledger_explore_${process.pid}`;
const admin = postgres(server, { max: 1, onnotice() {} });
await admin.unsafe(`create database ${name}`);
const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
const database = await connectPostgres({ url, max: 16 });
await migrateDatabase(database, url);
const sql = postgres(url, { max: 16, onnotice() {} });
const fn = fs.readFileSync("db/migrations/0001_append_function.sql", "utf8");
const withoutNotify = (text: string) => text.replace("PERFORM pg_notify('ledger_events', v_last::text);", "");
await sql.unsafe(withoutNotify(fn.replace("FUNCTION ledger_append(", "FUNCTION ledger_append_nn(")));
await sql.unsafe(`create schema nn`);
await sql.unsafe(withoutNotify(fn.replace("FUNCTION ledger_append(", "FUNCTION nn.ledger_append(")));
await sql.unsafe(`create table lim (like events including defaults including indexes)`);
const int8 = { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) };
const nnClient = postgres(url, { max: 16, onnotice() {}, connection: { search_path: "nn,public" }, types: { int8 } as never });
const store = new EventStore(database.db, eventRegistry);
const nnStore = new EventStore(drizzle(nnClient, { schema }) as unknown as Db, eventRegistry);

// The proposed wake-up: after commit, at most one NOTIFY in flight per process, carrying the
// highest position; async commit, so PostgreSQL's notify lock is not held across a WAL flush.
const notifySql = postgres(url, { max: 1, onnotice() {} });
let inFlight = false;
let pending: number | null = null;
async function notifyAfterCommit(position: number) {
  pending = Math.max(pending ?? 0, position);
  if (inFlight) return;
  inFlight = true;
  while (pending !== null) {
    const p = pending;
    pending = null;
    await notifySql`select set_config('synchronous_commit', 'off', true), pg_notify('ledger_events', ${String(p)})`;
  }
  inFlight = false;
}

const r = rng(1);
const meta = () => {
  const id = uuidv7();
  return { commandId: id, correlationId: id, causationId: null, actor: "bench" };
};
const payload = (e: { type: string; data: unknown }) => JSON.stringify([{ id: uuidv7(), type: e.type, schemaVersion: 1, data: e.data, metadata: meta() }]);
const raw = (fnName: string) => () => {
  const { sketch, event } = newCustomer(r);
  return sql.unsafe(`select * from ${fnName}($1, 'Customer', 'no_stream', $2::text::jsonb, null)`, [sketch.streamId, payload(event)], { prepare: true });
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
  "raw ledger_append": raw("ledger_append"),
  "raw ledger_append, no notify": raw("ledger_append_nn"),
  "store.append": () => {
    const { sketch, event } = newCustomer(r);
    return store.append(sketch.streamId, [event], { expectedVersion: "no_stream" });
  },
  "store.append, no notify + notify after commit": async () => {
    const { sketch, event } = newCustomer(r);
    const result = await nnStore.append(sketch.streamId, [event], { expectedVersion: "no_stream" });
    void notifyAfterCommit(result.lastPosition);
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
    console.log(`c=${concurrency}  ${label.padEnd(48)} ${median.toFixed(0).padStart(6)} ev/s  ÷ limit ${(median / limit).toFixed(2)}  (${xs.map((x) => x.toFixed(0)).join(", ")})`);
  }
}
while (inFlight) await new Promise((resolve) => setTimeout(resolve, 10));
await notifySql.end();
await nnClient.end();
await sql.end();
await database.close();
await admin.unsafe(`drop database ${name} with (force)`);
await admin.end();
