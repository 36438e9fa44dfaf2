/**
 * Where a projector's catch-up time goes (analysis, not part of `npm run bench`). On a database
 * from catch-up-log.mts:
 *   DATABASE_URL=… npx tsx bench/explore/catch-up-profile.mts            # customer_list from empty
 *   FROM_EMPTY=0 DATABASE_URL=… npx tsx bench/explore/catch-up-profile.mts   # … through the live tables
 *   DATABASE_URL=… node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/explore/catch-up-profile.mts
 * Prints wall time, this process's CPU and the CPU of the database backends serving it (from
 * /proc: both stay meaningful on a shared machine, where wall time does not), and the wall time
 * inside each kind of statement the runner sent (postgres.js, by the statement's first words).
 */
import fs from "node:fs";
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { connectPostgres, rowsOf } from "@/db/client";
import { customerListProjection } from "@/lib/projections";
import { ProjectionRunner } from "@/lib/projections/runner";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");
const database = await connectPostgres({ url, max: 4 });
const db = database.db;

const ticks = (pid: number) => {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
};
const backendTicks = new Map<number, number>();
const sampleBackends = async () => {
  const rows = rowsOf<{ pid: number }>(await db.execute(sql`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`));
  for (const { pid } of rows) backendTicks.set(pid, Math.max(backendTicks.get(pid) ?? 0, ticks(pid)));
  return rows.map((r) => r.pid);
};

// Time per statement kind, from the client side (includes the wait for the server).
type Unsafe = { unsafe: (...a: unknown[]) => unknown };
const client = (db as unknown as { $client: Unsafe & { begin: (...a: unknown[]) => unknown } }).$client;
const spans = new Map<string, { n: number; ms: number }>();
const kindOf = (text: string) => text.trim().replace(/\s+/g, " ").slice(0, 60);
const wrap = (target: Unsafe) => {
const original = target.unsafe.bind(target);
target.unsafe = (...args: unknown[]) => {
  const started = performance.now();
  const q = original(...args) as Promise<unknown>;
  const kind = kindOf(String(args[0]));
  const then = q.then.bind(q);
  return Object.assign(q, {
    then: (a: (v: unknown) => unknown, b: (e: unknown) => unknown) =>
      then((v: unknown) => {
        const s = spans.get(kind) ?? { n: 0, ms: 0 };
        s.n++;
        s.ms += performance.now() - started;
        spans.set(kind, s);
        return a ? a(v) : v;
      }, b),
  });
};
};
wrap(client);
const begin = client.begin.bind(client);
client.begin = (...args: unknown[]) => {
  const fn = args[args.length - 1] as (tx: Unsafe) => unknown;
  return begin(...args.slice(0, -1), (tx: Unsafe) => {
    wrap(tx);
    return fn(tx);
  });
};

await db.execute(sql`delete from projection_checkpoints where name in ('customer_list', 'customer_list__rebuild')`);
await db.execute(sql`truncate customer_list`);
const before = await sampleBackends();
const startTicks = new Map(before.map((pid) => [pid, ticks(pid)]));
let applied = 0;
const runner = new ProjectionRunner(database, [customerListProjection], {
  log: { log: () => {}, warn: console.warn, error: console.error },
  onBatch: (b) => {
    applied += b.events;
    // MEMLOG=1: the process's memory after each batch (MB): rss, V8 heap used/total, external, array buffers.
    if (process.env.MEMLOG) {
      const m = process.memoryUsage();
      const mb = (n: number) => (n / 1048576).toFixed(0);
      console.log(`  ${applied} rss ${mb(m.rss)} heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} external ${mb(m.external)} buffers ${mb(m.arrayBuffers)}`);
    }
  },
  // FROM_EMPTY=0: the live path all along (no build from empty; see runner/from-empty.ts).
  buildFromEmptyMinEvents: process.env.FROM_EMPTY === "0" ? Infinity : undefined,
  // BATCH=n: catch-up and rebuild batches of n events (default: the runner's).
  ...(process.env.BATCH ? { catchUpBatchSize: Number(process.env.BATCH), rebuildBatchSize: Number(process.env.BATCH) } : {}),
});
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const sampler = setInterval(() => void sampleBackends(), 1000);
await runner.drain();
clearInterval(sampler);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
await sampleBackends();
let dbTicks = 0;
for (const [pid, last] of backendTicks) dbTicks += last - (startTicks.get(pid) ?? 0);
console.log(`applied ${applied} events in ${ms.toFixed(0)} ms (${((applied * 1000) / ms).toFixed(0)} ev/s)`);
console.log(`node CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms (user ${(cpu.user / 1000).toFixed(0)}, system ${(cpu.system / 1000).toFixed(0)}); database backends CPU ${dbTicks * 10} ms`);
for (const [kind, s] of [...spans].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12)) {
  console.log(`  ${s.ms.toFixed(0).padStart(6)} ms ${String(s.n).padStart(5)}× ${kind}`);
}
await database.close();
