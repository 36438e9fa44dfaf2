// Exploration: the command load alone, with wait sampling, and timing of its phases.
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { connectPostgres } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { EventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/eventstore/customer-registry";
import { loadCustomer, renameCustomer } from "@/lib/commands/customer";
import { CUSTOMER_STATE_SHAPE } from "@/lib/domain/customer/state";
import { WaitSampler } from "../lib/waits";
import { bulkAppend, changeCustomer, newCustomer, randomName, rng } from "../lib/data";

const name = `bench_x_${process.pid}`;
const admin = postgres("postgres://postgres@127.0.0.1:5432/postgres", { max: 1, onnotice() {} });
await admin.unsafe(`create database ${name}`);
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
const database = await connectPostgres({ url, max: 16 });
await migrateDatabase(database, url);
const sql = postgres(url, { max: 4, onnotice() {} });
const ctx: any = { raw: { query: async (t: string, p: unknown[] = []) => [...(await sql.unsafe(t, p as never[], { prepare: true }))] } };
const store = new EventStore(database.db, eventRegistry);
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
  await store.saveSnapshot({ streamId: c.streamId, version: 100, shapeVersion: CUSTOMER_STATE_SHAPE, state: at.state });
}
const mode = process.argv[2] ?? "command";
const sampler = new WaitSampler(url, name);
const next = new Array(16).fill(0);
const timesBy: Record<string, number[]> = { load: [], append: [] };
async function run(ms: number) {
  let n = 0;
  const end = performance.now() + ms;
  await Promise.all(Array.from({ length: 16 }, async (_, w) => {
    while (performance.now() < end) {
      const c = customers[w + 16 * (next[w]++ % 4)];
      if (mode === "command") {
        const res = await renameCustomer(c.id, { name: randomName(r) + " " + n }, { store });
        if (!res.ok) throw new Error("fail");
      } else if (mode === "parts") {
        const t0 = performance.now();
        const loaded = await loadCustomer(store, c.id);
        const t1 = performance.now();
        await store.append(c.streamId, [{ type: "CustomerRenamed", data: { newName: "X " + n, oldName: (loaded.state as any).name } }], { expectedVersion: loaded.version });
        const t2 = performance.now();
        timesBy.load.push(t1 - t0); timesBy.append.push(t2 - t1);
      }
      n++;
    }
  }));
  return n * 1000 / ms;
}
await run(1000);
sampler.start(5);
console.log(mode, "rate", (await run(4000)).toFixed(0));
for (const w of sampler.stop(12)) console.log(w.sessions.toFixed(2).padStart(6), w.what);
const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
if (mode === "parts") console.log("load p50", med(timesBy.load).toFixed(1), "append p50", med(timesBy.append).toFixed(1));
await sampler.close();
await sql.end(); await database.close();
await admin.unsafe(`drop database ${name} with (force)`); await admin.end();
