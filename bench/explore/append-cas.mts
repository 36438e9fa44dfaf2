/**
 * The stream row against the version index as the append's compare-and-set (analysis, not part of
 * `npm run bench`; migration 0013 made the switch):
 *   npx tsx bench/explore/append-cas.mts            (ROUNDS=6 MS=1000 COST_EVENTS=3000; RATES=0: costs only)
 * On a fresh scratch database (dropped at the end), migrated to today's schema, plus the old
 * `streams` table and the old append (0011's ledger_append as `ledger_append_0011`, and the old
 * one-statement append). Raw SQL through postgres.js, prepared, so that only the database work
 * differs; both write to the same `events`. Interleaved, order reversed every other round:
 *   one, new streams        one event, "no_stream", c=1 and c=16
 *   one, existing streams   one event at the version the worker last wrote, c=1 and c=16
 *   one + command id        the same through ledger_append with a command id, c=16
 *   batch of 100            ledger_append, a new stream of 100 events, c=1
 * each as: old (streams row), new (version index) and bare (bench/lib/bare.ts's append); the
 * one-statement cases also as "new, plain insert" (no ON CONFLICT: a taken version would raise).
 * Then, since a shared machine makes rates noisy, the cost of each at c=1 on one connection: the
 * server backend's CPU time (/proc/<pid>/schedstat, so same host only; COST_ROUNDS=15 rounds of
 * COST_EVENTS=300 events per variant, each round's figure ÷ old's in the same round) and the WAL its statements write (EXPLAIN (ANALYZE, WAL); the commit record not counted).
 */
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { v7 as uuidv7 } from "uuid";
import { APPEND_LOCK_KEY } from "@/lib/eventstore/sql/horizon";
import { newCustomer, rng } from "../lib/data";
import { migratedScratch } from "./scratch";

const scratch = await migratedScratch(2);
const { url } = scratch;
await scratch.database.close();
// SYNC=off: commits do not wait for the WAL flush, which on a shared machine dominates and hides
// the CPU and WAL-insert costs being compared (the bench itself always commits synchronously).
const connection = process.env.SYNC === "off" ? { synchronous_commit: "off" } : {};
const sql = postgres(url, { max: 16, onnotice() {}, connection });
await sql.unsafe(`create table streams (stream_id text primary key, stream_type text not null, version bigint not null,
  created_at timestamptz not null default now(), updated_at timestamptz not null default now())`);
const old = fs.readFileSync("db/migrations/0011_append_horizon_lock.sql", "utf8").split("--> statement-breakpoint")[0];
await sql.unsafe(old.replace("CREATE OR REPLACE FUNCTION ledger_append(", "CREATE OR REPLACE FUNCTION ledger_append_0011("));
await sql.unsafe(`create table bare (position bigserial primary key, stream_id text not null, version bigint not null, type text not null,
  data jsonb not null, metadata jsonb not null, created_at timestamptz not null default now(), unique (stream_id, version))`);

const OLD_ONE = `
  with lock as (select pg_advisory_xact_lock_shared(${APPEND_LOCK_KEY}) as taken),
  created as (
    insert into streams as s (stream_id, stream_type, version) select $1, 'Customer', 1 from lock where $2::bigint = 0
    on conflict (stream_id) do nothing returning s.version),
  moved as (
    update streams s set version = s.version + 1, updated_at = now() from lock
    where $2::bigint > 0 and s.stream_id = $1 and s.version = $2::bigint returning s.version),
  next as (select version from created union all select version from moved)
  insert into events (id, stream_id, version, type, schema_version, data, metadata)
  select $3::uuid, $1, next.version, $4, 2, $5::text::jsonb, $6::text::jsonb from next returning position`;
const NEW_ONE = `
  with lock as (select pg_advisory_xact_lock_shared(${APPEND_LOCK_KEY}) as taken)
  insert into events (id, stream_id, version, type, schema_version, data, metadata)
  select $3::uuid, $1, $2::bigint + 1, $4, 2, $5::text::jsonb, $6::text::jsonb from lock
  where $2::bigint = 0 or exists (select 1 from events e where e.stream_id = $1 and e.version = $2::bigint)
  on conflict (stream_id, version) do nothing returning position`;
/** NEW_ONE without ON CONFLICT: a taken version raises a unique violation instead (measured only). */
const NEW_PLAIN = NEW_ONE.replace("on conflict (stream_id, version) do nothing ", "");
const BARE = `insert into bare (stream_id, version, type, data, metadata)
  select $1, $2::bigint + e.n, e.v->>'type', e.v->'data', e.v->'metadata'
  from jsonb_array_elements($3::text::jsonb) with ordinality as e(v, n)
  where coalesce((select max(version) from bare where stream_id = $1), 0) = $2::bigint
  returning position`;

const r = rng(4);
const event = () => {
  const { event: e } = newCustomer(r);
  const id = uuidv7();
  return { id: uuidv7(), type: e.type, schemaVersion: 2, data: e.data, metadata: { commandId: id, correlationId: id, causationId: null, actor: "bench" } };
};
const stream = () => `Customer-${uuidv7()}`;
// The cost pass below runs on one connection of its own, to read its backend's CPU time.
const solo = postgres(url, { max: 1, onnotice() {}, connection });
let client = sql;
/** When set, statements run under EXPLAIN (ANALYZE, WAL) and their plans' root nodes land here. */
let explained: Record<string, number>[] | null = null;
const q = async (text: string, params: unknown[], expect: number) => {
  if (explained) {
    const [row] = await client.unsafe(`explain (analyze, wal, format json) ${text}`, params as never[]);
    const plan = (row["QUERY PLAN"] as { Plan: Record<string, number> }[])[0].Plan;
    if (plan["Actual Rows"] !== expect) throw new Error(`wrote ${plan["Actual Rows"]} rows, expected ${expect}: ${text.slice(0, 60)}`);
    explained.push(plan);
    return;
  }
  const rows = await client.unsafe(text, params as never[], { prepare: true });
  if (rows.length !== expect) throw new Error(`wrote ${rows.length} rows, expected ${expect}: ${text.slice(0, 60)}`);
};
const one = (text: string) => (s: string, v: number) => {
  const e = event();
  return q(text, [s, v, e.id, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)], 1);
};
const fn = (name: string, commandId: boolean, n: number) => (s: string, v: number) =>
  q(`select * from ${name}($1, 'Customer', $2, $3::text::jsonb, $4)`, [s, v === 0 ? "no_stream" : String(v), JSON.stringify(Array.from({ length: n }, event)), commandId ? uuidv7() : null], 1);
const bare = (n: number) => (s: string, v: number) => {
  const es = Array.from({ length: n }, event);
  return q(BARE, [s, v, JSON.stringify(es)], n);
};

/** An append op: (stream, expected version) → promise; `fresh`: a new stream every time. */
type Op = (s: string, v: number) => Promise<void>;
type Case = { label: string; concurrency: number; fresh: boolean; per: number; variants: Record<string, Op> };
const cases: Case[] = [];
for (const concurrency of [1, 16]) {
  const variants = { old: one(OLD_ONE), new: one(NEW_ONE), "new, plain insert": one(NEW_PLAIN), bare: bare(1) };
  cases.push({ label: "one, new streams", concurrency, fresh: true, per: 1, variants });
  cases.push({ label: "one, existing streams", concurrency, fresh: false, per: 1, variants });
}
cases.push({
  label: "one + command id",
  concurrency: 16,
  fresh: false,
  per: 1,
  variants: { old: fn("ledger_append_0011", true, 1), new: fn("ledger_append", true, 1), bare: bare(1) },
});
cases.push({
  label: "batch of 100",
  concurrency: 1,
  fresh: true,
  per: 100,
  variants: { old: fn("ledger_append_0011", false, 100), new: fn("ledger_append", false, 100), bare: bare(100) },
});

async function run(c: Case, op: Op, ms: number) {
  let n = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: c.concurrency }, async () => {
      let s = stream();
      let v = 0;
      while (performance.now() - t0 < ms) {
        await op(s, v);
        n += c.per;
        if (c.fresh) s = stream();
        else v += c.per;
      }
    }),
  );
  return (n * 1000) / (performance.now() - t0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rounds = Number(process.env.ROUNDS ?? 6);
const ms = Number(process.env.MS ?? 1000);
for (const c of process.env.RATES === "0" ? [] : cases) {
  const entries = Object.entries(c.variants);
  for (const [, op] of entries) await run(c, op, 200);
  const rates: Record<string, number[]> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [label, op] of round % 2 ? [...entries].reverse() : entries) (rates[label] ??= []).push(await run(c, op, ms));
  }
  const b = median(rates.bare);
  const line = Object.entries(rates)
    .map(([label, xs]) => `${label} ${median(xs).toFixed(0)} (÷ bare ${(median(xs) / b).toFixed(2)})`)
    .join("  ");
  // Paired: each round's new ÷ old, so that drift between rounds cancels.
  const paired = rates.new.map((x, i) => x / rates.old[i]);
  console.log(`${c.label}, c=${c.concurrency}: ${line}  new ÷ old per round ${paired.map((x) => x.toFixed(2)).join(" ")} (median ${median(paired).toFixed(2)})`);
}
// Cost per event at c=1, whatever else runs on the host: the backend's CPU time (prepared
// statements, as above), then the WAL the statements write, from EXPLAIN (ANALYZE, WAL) (the
// server's WAL position is shared with every other database, so it cannot be used).
const [{ pid }] = await solo`select pg_backend_pid() as pid`;
const cpuNs = () => Number(fs.readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]);
const costRounds = Number(process.env.COST_ROUNDS ?? 15);
const costEvents = Number(process.env.COST_EVENTS ?? 300);
client = solo;
const drive = async (c: Case, op: Op, events: number) => {
  let s = stream();
  let v = 0;
  for (let n = 0; n < events; n += c.per) {
    await op(s, v);
    if (c.fresh) s = stream();
    else v += c.per;
  }
};
for (const c of cases.filter((c, i) => cases.findIndex((d) => d.label === c.label) === i)) {
  const costs: Record<string, { cpu: number[]; records: number; bytes: number; fpi: number }> = {};
  for (let round = 0; round < costRounds; round++) {
    const entries = Object.entries(c.variants);
    for (const [label, op] of round % 2 ? entries.reverse() : entries) {
      const cpu0 = cpuNs();
      await drive(c, op, costEvents);
      (costs[label] ??= { cpu: [], records: 0, bytes: 0, fpi: 0 }).cpu.push((cpuNs() - cpu0) / costEvents / 1000);
    }
  }
  const walEvents = Math.max(c.per * 20, 1000);
  for (const [label, op] of Object.entries(c.variants)) {
    explained = [];
    await drive(c, op, walEvents);
    const cost = costs[label];
    for (const plan of explained) {
      cost.records += plan["WAL Records"] / walEvents;
      cost.bytes += plan["WAL Bytes"] / walEvents;
      cost.fpi += plan["WAL FPI"] / walEvents;
    }
  }
  explained = null;
  // CPU paired per round against "old" in the same round, so that the machine's drift cancels.
  const line = Object.entries(costs)
    .map(([label, k]) => {
      const paired = median(k.cpu.map((x, i) => x / costs.old.cpu[i]));
      return `${label} ${median(k.cpu).toFixed(0)} µs CPU (÷ old ${paired.toFixed(2)}), ${k.records.toFixed(1)} WAL records ${k.bytes.toFixed(0)} B (${k.fpi.toFixed(2)} FPI)`;
    })
    .join("  ");
  console.log(`cost per event, ${c.label}: ${line}`);
}
await solo.end();
await sql.end();
await scratch.drop();
