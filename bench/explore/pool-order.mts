/**
 * Does one writer's throughput depend on how many connections its pool has open? (analysis, not
 * part of `npm run bench`; docs/performance.md round 6). On a fresh scratch database (dropped at
 * the end), four stores over pools of their own append to new streams at c=1, six rounds of 1 s
 * interleaved:
 *   real      the store as the app has it (its wake-up NOTIFY runs on the same pool)
 *   none      the NOTIFY dropped: the pool never opens a second connection
 *   once      one `select 1` instead of the first NOTIFY, then none: a second connection, idle
 *   twoconn   two connections opened at the start, then no NOTIFY
 *   npx tsx bench/explore/pool-order.mts
 */
import { performance } from "node:perf_hooks";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Db } from "@/db/client";
import * as schema from "@/db/schema";
import { createEventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/commands/event-registry";
import { newCustomer, rng } from "../lib/data";
import { migratedScratch } from "./scratch";
const scratch = await migratedScratch(16);
const { url, database } = scratch;
const int8 = { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) };
const mk = (mode: "real" | "none" | "once" | "twoconn") => {
  const c = postgres(url, { max: 16, onnotice() {}, types: { int8 } as never });
  const db = drizzle(c, { schema }) as unknown as Db;
  const unsafe = c.unsafe.bind(c);
  let sent = false;
  (db as { $client: unknown }).$client = {
    unsafe: (text: string, params: never[], options: never) => {
      if (!text.includes("pg_notify")) return unsafe(text, params, options);
      if (mode === "real") return unsafe(text, params, options);
      if (mode === "once" && !sent) { sent = true; return unsafe("select 1", [], options); }
      return Promise.resolve([]);
    },
  };
  return { c, store: createEventStore(db, eventRegistry), mode };
};
const clients = { real: mk("real"), none: mk("none"), once: mk("once"), twoconn: mk("twoconn") };
// twoconn: open two connections up front, then never notify.
await Promise.all([clients.twoconn.c`select pg_sleep(0.05)`, clients.twoconn.c`select pg_sleep(0.05)`]);
const r = rng(1);
const run = async (store: ReturnType<typeof mk>["store"], ms: number) => {
  let n = 0; const t0 = performance.now();
  while (performance.now() - t0 < ms) { const { sketch, event } = newCustomer(r); await store.append(sketch.streamId, [event], { expectedVersion: "no_stream" }); n++; }
  return (n * 1000) / (performance.now() - t0);
};
const entries = Object.entries(clients);
for (const [, v] of entries) await run(v.store, 300);
const rates: Record<string, number[]> = {};
for (let rep = 0; rep < 6; rep++) for (const [k, v] of rep % 2 ? [...entries].reverse() : entries) (rates[k] ??= []).push(await run(v.store, 1000));
for (const [k, xs] of Object.entries(rates)) { const s = [...xs].sort((a, b) => a - b); console.log(k.padEnd(8), s.map((x) => x.toFixed(0)).join(" "), " median", ((s[2] + s[3]) / 2).toFixed(0)); }
for (const v of Object.values(clients)) await v.c.end();
await database.close();
await scratch.drop();
