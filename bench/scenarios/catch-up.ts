import { performance } from "node:perf_hooks";
import { customerListProjection } from "@/lib/projections";
import { ProjectionRunner } from "@/lib/projections/runner";
import { check, type BenchContext, type Scenario } from "../lib/context";
import { analyze, bulkAppend, checkStreamsConsistent, countRows, customerLog, rng, type CustomerSketch } from "../lib/data";
import { limitReadLog } from "../lib/limits";
import { interleave, type Phase } from "../lib/measure";
import { projectorBatchText, runProjectorChild, type ProjectorRun } from "../lib/projector-child";

/** Quiet logger for runners the bench drives: a skipped event would be a data-set error anyway. */
export const quietLog = { log: () => {}, warn: (...a: unknown[]) => console.warn(...a), error: (...a: unknown[]) => console.error(...a) };

/**
 * The customer log every read-side scenario works on: `events` single-event appends,
 * registrations mixed with renames and moves (1 in 5), written in bulk through ledger_append.
 * Written once per run, into an empty log, so its size is exact.
 */
export async function ensureCatchUpLog(ctx: BenchContext): Promise<{ customers: CustomerSketch[]; events: number }> {
  if (ctx.shared.catchUpLog) return ctx.shared.catchUpLog;
  const existing = await countRows(ctx, "events");
  check(existing === 0, `catch-up needs an empty log to build its exact data set, found ${existing} events (it runs first in the suite)`);
  const size = ctx.config.catchUpEvents;
  const t0 = performance.now();
  const { appends, customers } = customerLog(rng(5), size);
  const written = await bulkAppend(ctx, appends);
  await checkStreamsConsistent(ctx);
  await analyze(ctx, ["events"]);
  const inLog = await countRows(ctx, "events");
  check(written === size && inLog === size, `catch-up log: wrote ${written}, the log holds ${inLog}, wanted ${size}`);
  ctx.log(`catch-up log: ${size.toLocaleString("en-US")} events, ${customers.length.toLocaleString("en-US")} customers, written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  ctx.shared.catchUpLog = { customers, events: size };
  return ctx.shared.catchUpLog;
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

/**
 * On PGlite (one process per data directory) the projector runs in the bench process: a
 * background runner for the warm-up (stopped after a tenth of the log), drain() when measured.
 */
async function inProcess(ctx: BenchContext, phase: Phase, size: number): Promise<number> {
  await resetCustomerList(ctx);
  let applied = 0;
  let reached: () => void = () => {};
  const enough = new Promise<void>((resolve) => (reached = resolve));
  const runner = new ProjectionRunner(ctx.database, [customerListProjection], {
    log: quietLog,
    decode: (db, events) => ctx.store.codec.decode(db, events),
    onBatch: (batch) => {
      applied += batch.events;
      if (applied >= size / 10) reached();
    },
  });
  if (phase === "warmup") {
    await runner.start();
    await enough;
    await runner.stop();
    return 0;
  }
  const t0 = performance.now();
  await runner.drain();
  const ms = performance.now() - t0;
  check(applied === size, `the projector applied ${applied} of ${size} events`);
  return (applied * 1000) / ms;
}

/**
 * The customer list projector catching up from an empty table on the whole log, in a process of
 * its own as `npm run worker` runs it (ProjectionRunner over customerListProjection, default
 * batch size unless PROJECTION_BATCH_SIZE), against a plain sequential read of the same log
 * (keyset pages of 1,000 by position). The same runs give the memory scenario its projector
 * figures.
 */
export const catchUp: Scenario = {
  id: "catch-up",
  title: "customer list projector catching up on 100,000 events vs sequential SELECT of the log",
  prepare: async (ctx) => void (await ensureCatchUpLog(ctx)),
  async run(ctx) {
    const { customers, events: size } = await ensureCatchUpLog(ctx);
    const runs: ProjectorRun[] = [];
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
          if (ctx.kind === "pglite") return inProcess(ctx, phase, size);
          // Warm up on the first tenth of the log only: a full extra catch-up would cost a quarter of the scenario.
          const marks = phase === "warmup" ? [size / 10] : [size / 2, size];
          const run = await runProjectorChild(ctx, marks);
          check(run.applied === size || phase === "warmup", `the projector applied ${run.applied} of ${size} events`);
          if (phase === "warmup") return 0;
          runs.push(run);
          return (size * 1000) / run.ms;
        },
      },
      ctx.config.reps,
    );
    const [checkpoint] = await ctx.raw.query<{ events_applied: number | string }>(
      `select events_applied from projection_checkpoints where name = 'customer_list'`,
    );
    check(Number(checkpoint?.events_applied) === size, `checkpoint says ${checkpoint?.events_applied} events applied, wanted ${size}`);
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
      goal: { on: "ratio", op: ">=", target: 0.4, text: "≥ 0.40" },
      detail: `${customers.length.toLocaleString("en-US")} customers; ${projectorBatchText()}${ctx.kind === "postgres" ? "; worker process" : ""}`,
    });
    // The same runs' memory, for the memory scenario: each process's peak at half and at all of the log.
    if (runs.length) ctx.shared.projectorRuns = { half: size / 2, full: size, runs };
  },
};
