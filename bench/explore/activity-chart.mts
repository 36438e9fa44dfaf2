/**
 * The dashboard's activity chart before and after activity_by_day (analysis, not part of `npm run bench`):
 *   EVENTS=1000000 DAYS=365 npx tsx bench/explore/activity-chart.mts
 * On a fresh bench database (bench/lib/targets.ts; dropped at the end): a customer log of EVENTS single-event appends
 * (bench/lib/data.ts), its timestamps then spread evenly over the last DAYS days (under the log's
 * maintenance switch: a scratch database only), then EXPLAIN (ANALYZE, BUFFERS) of
 *   before   the grouped query over `events` the chart ran until now (30 days);
 *   index    the same with an index on events(created_at), the alternative not taken (its size);
 *   after    the chart's read of activity_by_day, once the projection has caught up (its time).
 * Both reads must return the same counts; the script fails otherwise.
 */
import { performance } from "node:perf_hooks";
import { sql as q } from "drizzle-orm";
import { createEventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/commands/event-registry";
import { activityByDayProjection } from "@/lib/projections";
import { project } from "@/lib/testing/projections";
import type { BenchContext } from "../lib/context";
import { bulkAppend, customerLog, rng } from "../lib/data";
import { openPostgres } from "../lib/targets";

const EVENTS = Number(process.env.EVENTS ?? 1_000_000);
const DAYS = Number(process.env.DAYS ?? 365);
const DAY_MS = 86_400_000;
const target = await openPostgres();
const { database } = target;
const run = <T = Record<string, unknown>,>(text: string, params: unknown[] = []) => target.raw.query<T>(text, params);
const time = async <T,>(label: string, work: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const result = await work();
  console.log(`${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return result;
};
const explain = async (label: string, text: string, params: unknown[]) => {
  const rows = await run<{ "QUERY PLAN": string }>(`explain (analyze, buffers, costs off) ${text}`, params);
  console.log(`\n--- ${label}\n${rows.map((r) => r["QUERY PLAN"]).join("\n")}`);
};

try {
  const store = createEventStore(database.db, eventRegistry);
  const ctx = { store, raw: target.raw } as unknown as BenchContext;
  const { appends } = customerLog(rng(7), EVENTS);
  await time(`${EVENTS.toLocaleString("en-US")} events appended`, () => bulkAppend(ctx, appends));
  const [{ last }] = await run<{ last: number }>(`select max(position)::bigint as last from events`);
  const end = Date.now();
  const start = end - DAYS * DAY_MS;
  await time(`timestamps spread over ${DAYS} days`, () =>
    database.db.transaction(async (tx) => {
      await tx.execute(q`set local ledger.maintenance = 'on'`);
      await tx.execute(
        q`update events set created_at = to_timestamp(${start}::float8 / 1000) + (position - 1) * (${end - start}::float8 / ${Number(last)}::float8) * interval '1 millisecond'`,
      );
    }),
  );
  await run(`vacuum (analyze) events`);
  const [{ size }] = await run<{ size: string }>(`select pg_size_pretty(pg_total_relation_size('events')) as size`);
  console.log(`events: ${size} with its indexes`);

  const today = Date.UTC(new Date(end).getUTCFullYear(), new Date(end).getUTCMonth(), new Date(end).getUTCDate());
  const since = new Date(today - 29 * DAY_MS);
  const until = new Date(today + DAY_MS);
  const BEFORE = `select to_char(created_at at time zone 'UTC', 'YYYY-MM-DD') as day, type, count(*) as events
    from events where created_at >= $1::timestamptz and created_at < $2::timestamptz group by 1, 2 order by 1, 2`;
  const AFTER = `select day::text as iso_day, type, events from activity_by_day where day >= $1::date and day <= $2::date order by day, type`;
  const beforeParams = [since.toISOString(), until.toISOString()];
  const afterParams = [since.toISOString().slice(0, 10), new Date(today).toISOString().slice(0, 10)];

  await explain("before: the grouped scan of the log", BEFORE, beforeParams);
  await explain("before, again (warm cache)", BEFORE, beforeParams);
  const expected = await run(BEFORE, beforeParams);

  await time("index on events(created_at) built", () => run(`create index events_created_at_probe on events (created_at)`));
  const [{ isize }] = await run<{ isize: string }>(`select pg_size_pretty(pg_relation_size('events_created_at_probe')) as isize`);
  await run(`analyze events`);
  await explain(`alternative: the same query with an index on events(created_at) (${isize})`, BEFORE, beforeParams);
  await run(`drop index events_created_at_probe`);

  await time("activity_by_day caught up from the start of the log", () => project(database, { projections: [activityByDayProjection] }));
  await run(`analyze activity_by_day`);
  const [{ rows, tsize }] = await run<{ rows: number; tsize: string }>(`select count(*)::int as rows, pg_size_pretty(pg_total_relation_size('activity_by_day')) as tsize from activity_by_day`);
  console.log(`activity_by_day: ${rows} rows, ${tsize}`);
  await explain("after: the chart's read of activity_by_day", AFTER, afterParams);
  const actual = await run(AFTER, afterParams);
  const norm = (xs: readonly Record<string, unknown>[]) => JSON.stringify(xs.map((r) => [r.day ?? r.iso_day, r.type, Number(r.events)]));
  if (norm(actual) !== norm(expected)) throw new Error(`the counts differ:\n${norm(expected)}\n${norm(actual)}`);
  console.log(`\nsame counts both ways: ${expected.length} (day, type) rows, ${expected.reduce((n, r) => n + Number(r.events), 0)} events in the window`);
} finally {
  await target.dispose(false);
}
