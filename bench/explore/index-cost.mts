/**
 * What each index on `events` costs an append (analysis, not part of `npm run bench`):
 *   npx tsx bench/explore/index-cost.mts            (CONC=1,16 ROUNDS=5 MS=1500 by default; SYNC=off, see below)
 * On a fresh scratch database (dropped at the end): one table per variant, each with the columns
 * of `events` and 20,000 rows, and the store's one-statement append (claim version N + 1 in the
 * unique (stream_id, version) index, migration 0013) to a stream of its own per worker. Variants,
 * measured interleaved (order reversed every other round), median of ROUNDS:
 *   all five         the indexes of `events` today
 *   − <index>        the same without that one index
 *   bare             primary key and unique (stream_id, version) only (bench/lib/bare.ts's table)
 * Then, since a shared machine makes rates noisy, the cost per append at c=1 on one connection: the
 * server backend's CPU time (/proc/<pid>/schedstat, so same host only; COST_ROUNDS=15 rounds of
 * COST_EVENTS=500 appends per variant, each round's figure ÷ "all five"'s in the same round) and
 * the WAL its statement writes (EXPLAIN (ANALYZE, WAL), 2,000 appends; commit record not counted).
 * RATES=0 skips the rates, COST_ROUNDS=0 the costs.
 */
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { v7 as uuidv7 } from "uuid";
import { newCustomer, rng } from "../lib/data";
import { scratchDatabase } from "./scratch";

const scratch = await scratchDatabase();
const { url } = scratch;
// SYNC=off: commits do not wait for the WAL flush, which on a shared machine dominates and hides
// the CPU and WAL-insert costs being compared (the bench itself always commits synchronously).
const connection = process.env.SYNC === "off" ? { synchronous_commit: "off" } : {};
const sql = postgres(url, { max: 16, onnotice() {}, connection });

const INDEXES: Record<string, string> = {
  id: "unique (id)",
  tx: "(transaction_id, position)",
  type: "(type, position)",
  actor: "((metadata ->> 'actor'), position)",
};
const variants: Record<string, string[]> = {
  "all five": Object.keys(INDEXES),
  ...Object.fromEntries(Object.keys(INDEXES).map((left) => [`− ${left}`, Object.keys(INDEXES).filter((k) => k !== left)])),
  bare: [],
};
const TYPES = ["CustomerRenamed", "CustomerAddressUpdated", "CustomerRenamed", "CustomerAddressUpdated", "CustomerContactChanged", "CustomerArchived"];
const ACTORS = Array.from({ length: 12 }, (_, i) => `user:${uuidv7()}${i}`);
const r = rng(3);
const payload = () => {
  const { event } = newCustomer(r);
  const id = uuidv7();
  return { type: r.pick(TYPES), data: JSON.stringify(event.data), metadata: JSON.stringify({ commandId: id, correlationId: id, causationId: null, actor: r.pick(ACTORS) }) };
};

const tables = Object.keys(variants).map((label, i) => ({ label, table: `ev_${i}` }));
for (const { label, table } of tables) {
  await sql.unsafe(`create table ${table} (
    position bigserial primary key, transaction_id xid8 not null default pg_current_xact_id(), id uuid not null,
    stream_id text not null, version bigint not null, type text not null, schema_version integer not null default 1,
    data jsonb not null, metadata jsonb not null, created_at timestamptz not null default now())`);
  await sql.unsafe(`create unique index on ${table} (stream_id, version)`);
  for (const key of variants[label]) await sql.unsafe(`create ${INDEXES[key].startsWith("unique") ? "unique index" : "index"} on ${table} ${INDEXES[key].replace("unique ", "")}`);
  const rows = Array.from({ length: 20_000 }, (_, n) => ({ ...payload(), id: uuidv7(), stream: `Customer-${uuidv7()}`, n }));
  await sql.unsafe(
    `insert into ${table} (id, stream_id, version, type, data, metadata)
     select (x->>'id')::uuid, x->>'stream', 1, x->>'type', (x->>'data')::jsonb, (x->>'metadata')::jsonb from jsonb_array_elements($1::text::jsonb) x`,
    [JSON.stringify(rows)],
  );
  await sql.unsafe(`vacuum analyze ${table}`);
}

const appendText = (table: string) => `
  insert into ${table} (id, stream_id, version, type, schema_version, data, metadata)
  select $3::uuid, $1, $2::bigint + 1, $4, 1, $5::text::jsonb, $6::text::jsonb
  where $2::bigint = 0 or exists (select 1 from ${table} e where e.stream_id = $1 and e.version = $2::bigint)
  on conflict (stream_id, version) do nothing
  returning position`;

async function run(table: string, concurrency: number, ms: number) {
  const text = appendText(table);
  let n = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const stream = `Customer-${uuidv7()}`;
      let version = 0;
      while (performance.now() - t0 < ms) {
        const p = payload();
        const rows = await sql.unsafe(text, [stream, version, uuidv7(), p.type, p.data, p.metadata], { prepare: true });
        if (rows.length !== 1) throw new Error(`${table}: append at v${version} wrote nothing`);
        version++;
        n++;
      }
    }),
  );
  return (n * 1000) / (performance.now() - t0);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rounds = Number(process.env.ROUNDS ?? 5);
const ms = Number(process.env.MS ?? 1500);
for (const concurrency of process.env.RATES === "0" ? [] : (process.env.CONC ?? "1,16").split(",").map(Number)) {
  const rates: Record<string, number[]> = {};
  for (const { table } of tables) await run(table, concurrency, 300);
  for (let round = 0; round < rounds; round++) {
    for (const { label, table } of round % 2 ? [...tables].reverse() : tables) (rates[label] ??= []).push(await run(table, concurrency, ms));
  }
  const all = median(rates["all five"]);
  const bare = median(rates.bare);
  for (const [label, xs] of Object.entries(rates)) {
    const m = median(xs);
    // Paired: each round's rate ÷ "all five"'s in the same round, so that the machine's drift cancels.
    const paired = median(xs.map((x, i) => x / rates["all five"][i]));
    console.log(
      `c=${concurrency}  ${label.padEnd(10)} ${m.toFixed(0).padStart(6)} ev/s  ÷ all five ${(m / all).toFixed(2)} (paired ${paired.toFixed(3)})  ÷ bare ${(m / bare).toFixed(2)}`,
    );
  }
}
const solo = postgres(url, { max: 1, onnotice() {}, connection });
const [{ pid }] = await solo`select pg_backend_pid() as pid`;
const cpuNs = () => Number(fs.readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[0]);
const costRounds = Number(process.env.COST_ROUNDS ?? 15);
const perRound = Number(process.env.COST_EVENTS ?? 500);
const cost: Record<string, { cpu: number[]; records: number; bytes: number; fpi: number }> = {};
const appendSolo = async (table: string, stream: string, version: number, explain: boolean) => {
  const p = payload();
  const params = [stream, version, uuidv7(), p.type, p.data, p.metadata] as never[];
  if (!explain) return void (await solo.unsafe(appendText(table), params, { prepare: true }));
  const [row] = await solo.unsafe(`explain (analyze, wal, format json) ${appendText(table)}`, params);
  return (row["QUERY PLAN"] as { Plan: Record<string, number> }[])[0].Plan;
};
for (let round = 0; round < costRounds; round++) {
  for (const { label, table } of round % 2 ? [...tables].reverse() : tables) {
    const stream = `Customer-${uuidv7()}`;
    const cpu0 = cpuNs();
    for (let v = 0; v < perRound; v++) await appendSolo(table, stream, v, false);
    (cost[label] ??= { cpu: [], records: 0, bytes: 0, fpi: 0 }).cpu.push((cpuNs() - cpu0) / perRound / 1000);
  }
}
const walAppends = costRounds > 0 ? 2000 : 0;
for (const { label, table } of walAppends ? tables : []) {
  const stream = `Customer-${uuidv7()}`;
  for (let v = 0; v < walAppends; v++) {
    const plan = (await appendSolo(table, stream, v, true))!;
    cost[label].records += plan["WAL Records"] / walAppends;
    cost[label].bytes += plan["WAL Bytes"] / walAppends;
    cost[label].fpi += plan["WAL FPI"] / walAppends;
  }
}
// CPU paired per round against "all five" in the same round, so that the machine's drift cancels.
const base = cost["all five"]?.cpu ?? [];
for (const [label, k] of Object.entries(cost)) {
  const paired = k.cpu.map((x, i) => x / base[i]);
  console.log(
    `cost per append, ${label.padEnd(10)} ${median(k.cpu).toFixed(0).padStart(4)} µs backend CPU, ÷ all five per round: median ${median(paired).toFixed(3)}  ` +
      `${k.records.toFixed(2)} WAL records, ${k.bytes.toFixed(0)} B (${k.fpi.toFixed(3)} FPI)`,
  );
}
await solo.end();
await sql.end();
await scratch.drop();
