// Exploration: lag under variants. VARIANT=current|listonly|postnotify
import { performance } from "node:perf_hooks";
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import postgres from "postgres";
import { connectPostgres } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { EventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/eventstore/customer-registry";
import { customerListProjection, projections } from "@/lib/projections";
import { ProjectionRunner } from "@/lib/projections/runner";
import { bulkAppend, changeCustomer, customerLog, newCustomer, rng, type CustomerSketch } from "../lib/data";
import { latencySummary } from "../lib/stats";

const variant = process.env.VARIANT ?? "current";
const rate = Number(process.env.RATE ?? 400);
const name = `bench_x_${process.pid}`;
const admin = postgres("postgres://postgres@127.0.0.1:5432/postgres", { max: 1, onnotice() {} });
await admin.unsafe(`create database ${name}`);
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
const database = await connectPostgres({ url, max: 40 });
await migrateDatabase(database, url);
const sql = postgres(url, { max: 4, onnotice() {} });
const ctx: any = { raw: { query: async (t: string, p: unknown[] = []) => [...(await sql.unsafe(t, p as never[], { prepare: true }))] } };
await bulkAppend(ctx, customerLog(rng(5), 10000).appends);
if (variant === "postnotify") {
  const fn = fs.readFileSync("db/migrations/0001_append_function.sql", "utf8");
  await sql.unsafe(fn.replace("PERFORM pg_notify('ledger_events', v_last::text);", ""));
}
const store = new EventStore(database.db, eventRegistry);
const which = variant === "listonly" ? [customerListProjection] : projections;
const quiet = { log() {}, warn: console.warn, error: console.error };
await new ProjectionRunner(database, which, { log: quiet }).drain();
// worker in a separate connection set (own pool) like a worker process would have
const workerDb = await connectPostgres({ url, max: 4 });
const runner = new ProjectionRunner(workerDb, which, { log: quiet });
await runner.start();

// coalesced post-commit notifier: at most one in flight, async commit
const notifySql = postgres(url, { max: 1, onnotice() {} });
let notifyBusy = false, notifyPending: number | null = null;
async function notifyAfterCommit(position: number) {
  notifyPending = Math.max(notifyPending ?? 0, position);
  if (notifyBusy) return;
  notifyBusy = true;
  while (notifyPending !== null) { const p = notifyPending; notifyPending = null; await notifySql`select set_config('synchronous_commit', 'off', true), pg_notify('ledger_events', ${String(p)})`; }
  notifyBusy = false;
}

const r = rng(8);
const pool: CustomerSketch[] = [];
const probes = new Map<string, { version: number; t: number }>();
let lagged: number[] = [];
let looking = false, again = false;
const look = async () => {
  if (looking) { again = true; return; }
  looking = true;
  do { again = false; if (!probes.size) break;
    const rows = await sql.unsafe(`select id::text as id, version from customer_list where id = any($1::uuid[])`, [[...probes.keys()]] as never[], { prepare: true });
    const now = performance.now();
    for (const row of rows as any[]) { const p = probes.get(row.id); if (p && Number(row.version) >= p.version) { lagged.push(now - p.t); probes.delete(row.id); } }
  } while (again);
  looking = false;
};
const listener = postgres(url, { max: 1, onnotice() {} });
await listener.listen("ledger_checkpoints", (payload) => { if (payload === "customer_list") void look(); });
const poll = setInterval(() => void look(), 5);
async function writeFor(ms: number) {
  lagged = []; let issued = 0, inFlight = 0; const t0 = performance.now();
  const one = async () => {
    const free = pool.filter((c) => !probes.has(c.id));
    let c: CustomerSketch, expected: number | "no_stream", event;
    if (free.length && r.next() < 0.5) { c = free[r.int(free.length)]; expected = c.version; event = changeCustomer(r, c); }
    else { const x = newCustomer(r); c = x.sketch; expected = "no_stream"; event = x.event; }
    probes.set(c.id, { version: c.version, t: Infinity });
    const res = await store.append(c.streamId, [event], { expectedVersion: expected });
    const p = probes.get(c.id); if (p) p.t = performance.now();
    if (variant === "postnotify") void notifyAfterCommit(res.lastPosition);
    if (expected === "no_stream") pool.push(c);
  };
  while (performance.now() - t0 < ms) {
    const due = Math.floor(((performance.now() - t0) * rate) / 1000);
    while (issued < due && inFlight < 32) { issued++; inFlight++; void one().finally(() => inFlight--); }
    await sleep(1);
  }
  while (inFlight) await sleep(1);
  const achieved = issued * 1000 / (performance.now() - t0);
  while (probes.size) await sleep(5);
  return { ...latencySummary(lagged), achieved };
}
await writeFor(1000);
for (let i = 0; i < 3; i++) { const s = await writeFor(3000); console.log(variant, `rate ${s.achieved.toFixed(0)} p50 ${s.p50.toFixed(1)} p95 ${s.p95.toFixed(1)} p99 ${s.p99.toFixed(1)} max ${s.max.toFixed(0)}`); }
clearInterval(poll);
await runner.stop(); await workerDb.close(); await listener.end(); await notifySql.end(); await sql.end(); await database.close();
await admin.unsafe(`drop database ${name} with (force)`); await admin.end();
