/**
 * CPU of a projector's work on one catch-up batch with the database out of the loop (analysis,
 * not part of `npm run bench`): reads the first batch of the log as the runner does (readAll,
 * metadata "traceparent"), then runs customer_list's read-ahead preparation (group by customer,
 * fold the new customers, encode their COPY text) many times, and its parts, printing the best and
 * median times. The best is the code's cost; the median adds the collector's share.
 *   DATABASE_URL=… npx tsx bench/explore/prepare-cost.mts      # a database from catch-up-log.mts
 *   BATCH=10000 ROUNDS=40 (defaults)
 */
import { performance } from "node:perf_hooks";
import { connectPostgres } from "@/db/client";
import { readAll, type RecordedEvent } from "@/lib/eventstore";
import { customerListProjection } from "@/lib/projections";
import { customerListTable, type CustomerListEntry } from "@/lib/projections/customer-list";
import { groupByCustomer } from "@/lib/projections/customer-row";
import { readAheadOf } from "@/lib/projections/read-ahead";
import { encodeInserts } from "@/lib/projections/row-source";
import type { PreparedKeyed } from "@/lib/projections/rows";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");
const batch = Number(process.env.BATCH ?? 10_000);
const rounds = Number(process.env.ROUNDS ?? 40);
const database = await connectPostgres({ url, max: 2 });

const report = (label: string, samples: number[]) => {
  samples.sort((a, b) => a - b);
  const ms = (n: number) => n.toFixed(1).padStart(6);
  console.log(`${label.padEnd(36)} best ${ms(samples[0])} ms  median ${ms(samples[samples.length >> 1])} ms`);
};
const time = async (label: string, n: number, fn: () => unknown) => {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  report(label, samples);
};

let events: RecordedEvent[] = [];
await time(`readAll ${batch} (database + decode)`, 10, async () => {
  events = (await readAll(database.db, { limit: batch, metadata: "traceparent" })).events;
});
const relevant = events.filter((e) => customerListProjection.canHandle.includes(e.type));
const hook = readAheadOf(customerListProjection)!;
await time("prepare (group, fold new, encode)", rounds, () => hook.prepare(relevant));
await time("  groupByCustomer", rounds, () => groupByCustomer(relevant));
const prepared = hook.prepare(relevant) as PreparedKeyed<CustomerListEntry, never>;
const rows = [...prepared.freshResults.values()].flatMap((r) => (r.row ? [r.row] : []));
await time(`  encodeInserts (${rows.length} rows)`, rounds, () => encodeInserts(customerListTable, rows));
await database.close();
