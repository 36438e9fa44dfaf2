import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { connectPostgres } from "@/db/client";
import { customerListProjection, projections } from "@/lib/projections";
import { ProjectionRunner } from "@/lib/projections/runner";

const url = process.env.URL!;
const database = await connectPostgres({ url, max: 4 });
const sql = postgres(url, { max: 2, onnotice() {} });
const quiet = { log() {}, warn: console.warn, error: console.error };
const sizes = (process.env.SIZES ?? "500,2000,5000").split(",").map(Number);
const which = process.env.WHICH === "all" ? projections : [customerListProjection];
const res: Record<string, number[]> = {};
for (let rep = 0; rep < 3; rep++) {
  for (const size of sizes) {
    for (const p of which) { await sql.unsafe(`delete from projection_checkpoints where name like $1`, [p.name + "%"]); for (const t of p.tables) await sql.unsafe(`truncate ${t}`); }
    let applied = 0;
    const runner = new ProjectionRunner(database, which, { log: quiet, batchSize: size, onBatch: (b) => (applied += b.events) });
    const t0 = performance.now();
    await runner.drain();
    const rate = applied / ((performance.now() - t0) / 1000);
    (res[size] ??= []).push(rate);
  }
  const t0 = performance.now(); let n = 0, after = 0;
  for (;;) { const rows = await sql.unsafe(`select * from events where position > $1 order by position limit 1000`, [after], { prepare: true }); n += rows.length; if (rows.length < 1000) break; after = Number(rows[rows.length - 1].position); }
  (res.limit ??= []).push(n / ((performance.now() - t0) / 1000));
}
for (const [k, xs] of Object.entries(res)) console.log(k.padEnd(8), xs.map((x) => x.toFixed(0)).join(", "));
await sql.end(); await database.close();
