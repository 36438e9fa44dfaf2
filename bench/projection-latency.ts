// Projection figures (a measurement, not a test):
//   1. wake-up latency with the app idle: append committed → row visible in customer_list,
//      p50/p99, on PGlite (in process) and on PostgreSQL (in process, and a `npm run worker`
//      process);
//   2. catch-up rate: a log of 100,000 events projected from scratch, events/s.
//
//   npx tsx bench/projection-latency.ts [--samples 200] [--events 100000] [--only pglite|postgres]
//
// PostgreSQL: BENCH_ADMIN_URL (default postgres://postgres@127.0.0.1:5432/postgres); a scratch
// database is created and dropped.
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";
import { setImmediate as yieldNow, setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { v7 as uuidv7 } from "uuid";
import { connectPglite, connectPostgres, query, type Database } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { customerStreamId } from "@/lib/domain/customer/events";
import { headPosition, createEventStore, type EventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/commands/event-registry";
import { projections } from "@/lib/projections";
import { startProjections } from "@/lib/projections/runtime";

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const SAMPLES = Number(arg("samples", "200"));
const EVENTS = Number(arg("events", "100000"));
const ONLY = arg("only", "");
const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const quiet = { log() {}, warn: console.warn, error: console.error };

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const summary = (xs: number[]) =>
  `p50 ${percentile(xs, 50).toFixed(1)} ms · p99 ${percentile(xs, 99).toFixed(1)} ms · max ${Math.max(...xs).toFixed(1)} ms (n=${xs.length})`;

const register = (store: EventStore, id: string, i: number) =>
  store.append(
    customerStreamId(id),
    [{ type: "CustomerRegistered", data: { name: `Bench ${i}`, address: { street: `${i} Bench St`, city: "Benchville" } } }],
    { expectedVersion: "no_stream" },
  );

/**
 * Append one event at a time, idle in between; `visibleAt` resolves with the moment the row can
 * be read. Reports commit → visible.
 */
async function latency(label: string, store: EventStore, visibleAt: (id: string, position: number) => Promise<number>) {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    await sleep(20); // the app idles between appends
    const id = uuidv7();
    const pending = { id, position: 0 };
    const result = await register(store, id, i);
    const committed = performance.now();
    pending.position = result.lastPosition;
    samples.push((await visibleAt(id, result.lastPosition)) - committed);
  }
  console.log(`  ${label.padEnd(34)} ${summary(samples)}`);
}

/**
 * Watch from a separate connection: check the row whenever a checkpoint moves (the runner's
 * `ledger_checkpoints` notification is delivered at the batch's commit), and every 10 ms in case.
 * A 1 ms polling loop would itself load this 2-core machine and skew the figure.
 */
async function watchFromReader(reader: postgres.Sql) {
  let wake = () => {};
  await reader.listen("ledger_checkpoints", (name) => {
    if (name === "customer_list") wake();
  });
  return async (id: string) => {
    const started = performance.now();
    for (;;) {
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 10);
      });
      if ((await reader`select 1 from customer_list where id = ${id}`).length === 1) return performance.now();
      if (performance.now() - started > 5000) throw new Error(`row ${id} not visible after 5 s`);
      await woken;
    }
  };
}

/**
 * Write `count` customer events straight into the log (20% of customers archived, the rest
 * renamed and moved twice), in transactions of 5,000, as a backlog to catch up on.
 */
async function fillLog(database: Database, count: number) {
  const perCustomer = 5;
  const customers = Math.ceil(count / perCustomer);
  const chunk = 1000;
  for (let from = 0; from < customers; from += chunk) {
    const to = Math.min(customers, from + chunk) - 1;
    await database.db.execute(sql`
      insert into events (id, stream_id, version, type, data, metadata)
      select md5('e' || c || '-' || v)::uuid, 'Customer-' || md5('c' || c)::uuid, v,
        case v when 1 then 'CustomerRegistered' when 2 then 'CustomerRenamed' when 5 then
          (case when c % 5 = 0 then 'CustomerArchived' else 'CustomerRenamed' end) else 'CustomerAddressUpdated' end,
        case v
          when 1 then jsonb_build_object('name', 'Customer ' || c, 'address', jsonb_build_object('street', c || ' Main St', 'city', 'City ' || (c % 50)))
          when 2 then jsonb_build_object('newName', 'Renamed ' || c, 'oldName', 'Customer ' || c)
          when 5 then (case when c % 5 = 0 then '{}'::jsonb else jsonb_build_object('newName', 'Again ' || c, 'oldName', 'Renamed ' || c) end)
          else jsonb_build_object('newAddress', jsonb_build_object('street', c || ' Side St', 'city', 'City ' || ((c + v) % 50)),
                                  'oldAddress', jsonb_build_object('street', c || ' Main St', 'city', 'City ' || (c % 50)))
        end,
        jsonb_build_object('commandId', 'bench-' || c || '-' || v, 'correlationId', 'bench', 'causationId', null, 'actor', 'bench')
      from generate_series(${from}::int, ${to}::int) c, generate_series(1, ${perCustomer}) v
      order by c, v`);
    await yieldNow();
  }
  const [{ n }] = await query<{ n: number | string }>(database.db, sql`select count(*) as n from events`);
  return Number(n);
}

async function resetProjections(database: Database) {
  for (const p of projections) for (const t of p.tables) await database.db.execute(sql.raw(`truncate ${t}`));
  await database.db.execute(sql`delete from projection_checkpoints`);
}

/**
 * Project the whole log from scratch; events/s counts each event once per projection.
 * `batchSize` undefined: the runner's defaults (500 while following, 10,000 per transaction while
 * catching up); a number: that many per transaction throughout.
 */
async function catchUp(label: string, database: Database, store: EventStore, batchSize?: number) {
  await resetProjections(database);
  const position = await headPosition(store.db);
  const [{ n }] = await query<{ n: number | string }>(database.db, sql`select count(*) as n from events`);
  const started = performance.now();
  const runtime = await startProjections(database, store, { inProcess: true, runner: { batchSize, log: quiet } });
  const done = await runtime.waitFor(position, 30 * 60_000);
  const seconds = (performance.now() - started) / 1000;
  await runtime.stop();
  if (!done) throw new Error("catch-up did not finish");
  const total = Number(n);
  console.log(
    `  ${label.padEnd(34)} ${total.toLocaleString("en-US")} events × ${projections.length} projections in ${seconds.toFixed(1)} s: ` +
      `${Math.round(total / seconds).toLocaleString("en-US")} log events/s (${Math.round((total * projections.length) / seconds).toLocaleString("en-US")} projection-events/s), ${batchSize ? `batch ${batchSize}` : "default batches"}`,
  );
}

async function benchPglite() {
  console.log("\nPGlite (in memory, projectors in process)");
  const database = await connectPglite({ dataDir: "memory://" });
  await migrateDatabase(database);
  const store = createEventStore(database.db, eventRegistry);
  // One connection in one process: a polling reader would queue behind the projector (and slow
  // it), so take the moment customer_list's batch commits: from then on any query sees the row.
  const commits: { position: number; at: number }[] = [];
  let wake = () => {};
  const runtime = await startProjections(database, store, {
    inProcess: true,
    runner: {
      log: quiet,
      onBatch: (batch) => {
        if (batch.projection !== "customer_list") return;
        commits.push({ position: batch.last.position, at: performance.now() });
        wake();
      },
    },
  });
  await latency("commit → customer_list commit", store, async (id, position) => {
    const started = performance.now();
    let found = commits.find((c) => c.position >= position);
    while (!found) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
      found = commits.find((c) => c.position >= position);
      if (performance.now() - started > 5000) throw new Error(`row ${id} not projected after 5 s`);
    }
    const rows = await query(database.db, sql`select 1 from customer_list where id = ${id}`);
    if (rows.length !== 1) throw new Error("row missing after its batch committed");
    return found.at;
  });
  await runtime.stop();
  await clearLog(database);
  await fillLog(database, EVENTS);
  await catchUp("catch-up from scratch", database, store);
  await catchUp("catch-up from scratch", database, store, 500);
  await database.close();
}

async function benchPostgres() {
  const name = `ledger_bench_${Date.now()}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  console.log(`\nPostgreSQL (${url.host}, scratch database ${name})`);
  const database = await connectPostgres({ url: url.toString(), max: 10 });
  try {
    await migrateDatabase(database, url.toString());
    const store = createEventStore(database.db, eventRegistry);
    const reader = postgres(url.toString(), { max: 2, onnotice: () => {} });
    const visible = await watchFromReader(reader);

    const runtime = await startProjections(database, store, { inProcess: true, runner: { log: quiet } });
    await latency("in process (commit → row)", store, visible);
    await runtime.stop();

    const worker = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
      env: { ...process.env, DATABASE_URL: url.toString() },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise<void>((resolve) => worker.stdout!.on("data", (d: Buffer) => d.toString().includes("following") && resolve()));
    try {
      await latency("worker process (commit → row)", store, visible);
    } finally {
      worker.kill("SIGTERM");
      await new Promise((r) => worker.once("exit", r));
    }
    await reader.end();

    await clearLog(database);
    await fillLog(database, EVENTS);
    await catchUp("catch-up from scratch", database, store);
    await catchUp("catch-up from scratch", database, store, 500);
  } finally {
    await database.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

console.log(`projection benchmark: ${SAMPLES} latency samples, ${EVENTS.toLocaleString("en-US")} events to catch up`);
if (ONLY !== "postgres") await benchPglite();
if (ONLY !== "pglite") await benchPostgres();

/** A benchmark reset, not app code: the documented maintenance path past the immutable-log trigger. */
async function clearLog(database: Database) {
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('ledger.maintenance', 'on', true)`);
    await tx.execute(sql`truncate events, commands`);
  });
}
