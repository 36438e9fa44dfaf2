import { performance } from "node:perf_hooks";
import { projections } from "@/lib/projections";
import { ProjectionRunner } from "@/lib/projections/runner";
import { check, type BenchContext } from "./context";
import { analyze, bulkAppend, countRows, registrations, rng } from "./data";

/** Customer streams, counted by their first event. */
const CUSTOMER_STREAMS = "version = 1 and stream_id like 'Customer-%'";

const quiet = { log: () => {}, warn: (...a: unknown[]) => console.warn(...a), error: (...a: unknown[]) => console.error(...a) };

/**
 * The read side as the pages see it: at least `listCustomers` customers in the log (topped up
 * with registrations when the earlier scenarios left fewer), and every projection caught up, so
 * that customer_list, customer_search and city_totals all describe every customer stream.
 */
export async function ensureReadTables(ctx: BenchContext): Promise<{ customers: number }> {
  const target = ctx.config.listCustomers;
  let customers = await countRows(ctx, "events", CUSTOMER_STREAMS);
  if (customers < target) {
    const t0 = performance.now();
    const { appends } = registrations(rng(11), target - customers);
    await bulkAppend(ctx, appends);
    await analyze(ctx, ["events"]);
    ctx.log(`registered ${target - customers} more customers for the read tables in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    customers = target;
  }
  const t0 = performance.now();
  await new ProjectionRunner(ctx.database, projections, { log: quiet }).drain();
  await analyze(ctx, ["customer_list", "customer_search", "city_totals"]);
  ctx.log(`read tables caught up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const list = await countRows(ctx, "customer_list");
  const search = await countRows(ctx, "customer_search");
  const [totals] = await ctx.raw.query<{ n: number | string }>(`select coalesce(sum(active + archived), 0) as n from city_totals`);
  const streams = await countRows(ctx, "events", CUSTOMER_STREAMS);
  check(
    list === streams && search === streams && Number(totals.n) === streams && streams >= target,
    `read tables: ${list} list rows, ${search} search rows, ${totals.n} in city totals, for ${streams} customer streams (wanted ≥ ${target})`,
  );
  return { customers: streams };
}
