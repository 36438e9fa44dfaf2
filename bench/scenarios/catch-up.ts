import { performance } from "node:perf_hooks";
import { customerListProjection } from "@/lib/projections";
import { ProjectionRunner } from "@/lib/projections/runner";
import { check, type BenchContext, type Scenario } from "../lib/context";
import { analyze, bulkAppend, checkStreamsConsistent, countRows, customerLog, rng, type CustomerSketch } from "../lib/data";
import { limitReadLog } from "../lib/limits";
import { interleave, type Phase } from "../lib/measure";

/** Quiet logger for runners the bench drives: a skipped event would be a data-set error anyway. */
export const quietLog = { log: () => {}, warn: (...a: unknown[]) => console.warn(...a), error: (...a: unknown[]) => console.error(...a) };

/**
 * The customer log every read-side scenario works on: `events` single-event appends,
 * registrations mixed with renames and moves (1 in 5), written in bulk through ledger_append.
 * Written once per run, into an empty log, so its size is exact.
 */
export async function ensureCatchUpLog(ctx: BenchContext): Promise<{ customers: CustomerSketch[]; events: number }> {
  const cached = (ctx.shared as { catchUpLog?: { customers: CustomerSketch[]; events: number } }).catchUpLog;
  if (cached) return cached;
  const existing = await countRows(ctx, "events");
  check(existing === 0, `catch-up needs an empty log to build its exact data set, found ${existing} events (it runs first in the suite)`);
  const size = ctx.config.catchUpEvents;
  const t0 = performance.now();
  const { appends, customers } = customerLog(rng(5), size);
  const written = await bulkAppend(ctx, appends);
  await checkStreamsConsistent(ctx);
  await analyze(ctx, ["events", "streams"]);
  const inLog = await countRows(ctx, "events");
  check(written === size && inLog === size, `catch-up log: wrote ${written}, the log holds ${inLog}, wanted ${size}`);
  ctx.log(`catch-up log: ${size.toLocaleString("en-US")} events, ${customers.length.toLocaleString("en-US")} customers, written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const log = { customers, events: size };
  (ctx.shared as { catchUpLog?: typeof log }).catchUpLog = log;
  return log;
}

/** Forget the customer list projection: empty table, no checkpoint (as before its first run). */
export async function resetCustomerList(ctx: BenchContext): Promise<void> {
  await ctx.raw.query(`delete from projection_checkpoints where name in ('customer_list', 'customer_list__rebuild')`);
  await ctx.raw.query(`truncate customer_list`);
}

/** Every customer of the log is in customer_list exactly as the log says, and nothing else is. */
export async function verifyCustomerList(ctx: BenchContext, customers: readonly CustomerSketch[]): Promise<void> {
  const rows = await ctx.raw.query<{ id: string; name: string; city: string; street: string; version: number | string }>(
    `select id::text as id, name, city, street, version from customer_list`,
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  let wrong = 0;
  let example = "";
  for (const c of customers) {
    const row = byId.get(c.id);
    if (!row || row.name !== c.name || row.city !== c.address.city || row.street !== c.address.street || Number(row.version) !== c.version) {
      wrong++;
      example ||= `${c.id}: ${row ? JSON.stringify(row) : "missing"}, log says v${c.version} ${c.name} in ${c.address.city}`;
    }
  }
  check(wrong === 0, `customer_list: ${wrong} of ${customers.length} customers missing or wrong (${example})`);
}

/** Run the customer list projector in the background until it has applied `events`, then stop it. */
async function warmUp(ctx: BenchContext, events: number): Promise<void> {
  let applied = 0;
  let reached: () => void = () => {};
  const enough = new Promise<void>((resolve) => (reached = resolve));
  const runner = new ProjectionRunner(ctx.database, [customerListProjection], {
    log: quietLog,
    onBatch: (batch) => {
      applied += batch.events;
      if (applied >= events) reached();
    },
  });
  await runner.start();
  await enough;
  await runner.stop();
}

/**
 * The customer list projector (ProjectionRunner.drain over customerListProjection, default batch
 * size) catching up from an empty table on the whole log, against a plain sequential read of the
 * same log (keyset pages of 1,000 by position).
 */
export const catchUp: Scenario = {
  id: "catch-up",
  title: "customer list projector catching up on 100,000 events vs sequential SELECT of the log",
  async run(ctx) {
    const { customers, events: size } = await ensureCatchUpLog(ctx);
    let appliedLastRun = 0;
    const samples = await interleave(
      {
        limit: async (): Promise<number> => {
          const t0 = performance.now();
          const read = await limitReadLog(ctx);
          const ms = performance.now() - t0;
          check(read === size, `baseline read ${read} of ${size} events`);
          return (read * 1000) / ms;
        },
        projector: async (phase: Phase): Promise<number> => {
          await resetCustomerList(ctx);
          let applied = 0;
          if (phase === "warmup") {
            // Warm up on the first tenth of the log only: a full extra catch-up would cost a quarter of the scenario.
            await warmUp(ctx, size / 10);
            return 0;
          }
          const runner = new ProjectionRunner(ctx.database, [customerListProjection], {
            log: quietLog,
            onBatch: (batch) => (applied += batch.events),
          });
          const t0 = performance.now();
          await runner.drain();
          const ms = performance.now() - t0;
          check(applied === size, `the projector applied ${applied} of ${size} events`);
          appliedLastRun = applied;
          return (applied * 1000) / ms;
        },
      },
      ctx.config.reps,
    );
    const [checkpoint] = await ctx.raw.query<{ events_applied: number | string }>(
      `select events_applied from projection_checkpoints where name = 'customer_list'`,
    );
    check(Number(checkpoint?.events_applied) === size && appliedLastRun === size, `checkpoint says ${checkpoint?.events_applied} events applied, wanted ${size}`);
    const rows = await countRows(ctx, "customer_list");
    check(rows === customers.length, `customer_list holds ${rows} rows, the log has ${customers.length} customers`);
    await verifyCustomerList(ctx, customers);

    ctx.report({
      scenario: "catch-up",
      case: `customer_list from empty, ${size.toLocaleString("en-US")} events`,
      metric: "events/s",
      unit: "ev/s",
      better: "higher",
      values: samples.projector,
      limit: samples.limit,
      limitLabel: "select * of the log by position, pages of 1,000",
      goal: { on: "ratio", op: ">=", target: 0.3, text: "≥ 0.30" },
      detail: `${customers.length.toLocaleString("en-US")} customers; runner batch 500 (default)`,
    });
  },
};
