import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { connectPostgres } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { bulkAppend, bulkInsert, customerLog, rng } from "../lib/data";
const name = `bench_x_${process.pid}`;
const admin = postgres("postgres://postgres@127.0.0.1:5432/postgres", { max: 1, onnotice() {} });
await admin.unsafe(`create database ${name}`);
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
const database = await connectPostgres({ url, max: 4 });
await migrateDatabase(database, url);
const sql = postgres(url, { max: 2, onnotice() {} });
let qms = 0;
const ctx: any = { raw: { query: async (t: string, p: unknown[] = []) => { const t0 = performance.now(); const r = [...(await sql.unsafe(t, p as never[], { prepare: true }))]; qms += performance.now() - t0; return r; } } };
const N = Number(process.env.N ?? 20000);
for (const [label, fn] of [["bulkInsert", bulkInsert], ["bulkAppend", bulkAppend]] as const) {
  let t0 = performance.now();
  const { appends } = customerLog(rng(Math.random() * 1e9), N);
  const gen = performance.now() - t0;
  qms = 0; t0 = performance.now();
  await fn(ctx, appends);
  console.log(label, "gen", gen.toFixed(0), "total", (performance.now() - t0).toFixed(0), "sql", qms.toFixed(0));
}
await sql.end(); await database.close();
await admin.unsafe(`drop database ${name} with (force)`); await admin.end();
