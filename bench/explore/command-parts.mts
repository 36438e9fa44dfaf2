/**
 * Where a command's time goes (analysis, not part of `npm run bench`):
 *   npx tsx bench/explore/command-parts.mts
 * 64 customers of 150 events with a snapshot at 100; at c=1 and c=16: loadCustomer alone,
 * renameCustomer (load + decide + append), and a bare append to other streams, each 3 × 1.5 s.
 */
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { saveSnapshot, createEventStore, type EventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/commands/event-registry";
import { loadCustomer, renameCustomer } from "@/lib/commands/customer";
import { CUSTOMER_STATE_SHAPE } from "@/lib/domain/customer/state";
import { bulkAppend, changeCustomer, newCustomer, rng } from "../lib/data";
import { migratedScratch } from "./scratch";

const scratch = await migratedScratch(16);
const { url, database } = scratch;
const sql = postgres(url, { max: 16, onnotice() {} });
const store = createEventStore(database.db, eventRegistry);
const ctx: any = { raw: { query: async (t: string, p: unknown[] = []) => [...(await sql.unsafe(t, p as never[], { prepare: true }))] }, store };
const r = rng(2);
const customers: any[] = [];
const appends: any[] = [];
for (let i = 0; i < 64; i++) {
  const { sketch, event } = newCustomer(r);
  const events = [event];
  while (sketch.version < 150) events.push(changeCustomer(r, sketch));
  customers.push(sketch);
  appends.push({ streamId: sketch.streamId, expected: "no_stream", events });
}
await bulkAppend(ctx, appends, 64);
for (const c of customers) {
  const at = await loadCustomer(store, c.id, 100);
  await saveSnapshot(store.db, { streamId: c.streamId, version: 100, shapeVersion: CUSTOMER_STATE_SHAPE, state: at.state });
}
await sql.unsafe("analyze");
if (process.env.EXPLAIN) {
  const { LOAD_LATEST } = await import("@/lib/eventstore/store");
  for (let i = 0; i < 7; i++) await sql.unsafe(LOAD_LATEST, [customers[0].streamId, 1, null], { prepare: true });
  await sql.unsafe("set plan_cache_mode = force_generic_plan");
  for (const row of await sql.unsafe(`explain analyze ${LOAD_LATEST.replace(/\$1/g, `'${customers[0].streamId}'`).replace(/\$2/g, "1").replace(/\$3/g, "null")}`)) console.log(row["QUERY PLAN"]);
  process.exit(0);
}
let k = 0;
const variants: Record<string, (c: any) => Promise<unknown>> = {
  loadCustomer: (c) => loadCustomer(store, c.id),
  renameCustomer: (c) => renameCustomer(c.id, { name: `N ${k++}` }, { store, actor: "x" }),
  "append (any)": (c) => store.append(c.streamId.replace(/-.*/, "-") + "x" + c.id, [{ type: "CustomerRenamed", data: { oldName: "a", newName: `b${k++}` } }], { expectedVersion: "any" }),
};
async function run(conc: number, op: (c: any) => Promise<unknown>, ms: number) {
  let n = 0; const end = performance.now() + ms; const t0 = performance.now();
  await Promise.all(Array.from({ length: conc }, async (_, w) => { let i = 0; while (performance.now() < end) { await op(customers[w + 16 * (i++ % 4)]); n++; } }));
  return n * 1000 / (performance.now() - t0);
}
for (const conc of [1, 16]) {
  const res: Record<string, number[]> = {};
  const entries = Object.entries(variants);
  for (const [, op] of entries) await run(conc, op, 300);
  for (let rep = 0; rep < 3; rep++) for (const [key, op] of rep % 2 ? [...entries].reverse() : entries) (res[key] ??= []).push(await run(conc, op, 1500));
  for (const [key, xs] of Object.entries(res)) { const s = [...xs].sort((a, b) => a - b); console.log(`c=${conc}`, key.padEnd(20), s[1].toFixed(0), `(${xs.map((x) => x.toFixed(0)).join(", ")})`); }
}
await sql.end(); await database.close();
await scratch.drop();
