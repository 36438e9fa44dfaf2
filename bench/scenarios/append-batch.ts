import { check, type Scenario } from "../lib/context";
import { changeCustomer, countRows, newCustomer, rng } from "../lib/data";
import { bareAppendMany, BARE_TABLE } from "../lib/bare";
import { limitInsertMany, LIMIT_TABLE } from "../lib/limits";
import { emmettFigures } from "../lib/peers";
import { BENCH_POOL } from "../lib/targets";
import { eventsPerSecond, interleave, runLoad, type LoadResult, type Phase } from "../lib/measure";
import { latencySummary } from "../lib/stats";

const BATCH = 100;

/**
 * 100 events per append (a registration and 99 changes of a new customer, one EventStore.append
 * with expected version "no_stream") against one multi-row INSERT of 100 event-shaped rows.
 */
export const appendBatch: Scenario = {
  id: "append-batch",
  appends: true,
  title: `${BATCH} events per append (EventStore.append) vs one ${BATCH}-row INSERT`,
  async run(ctx) {
    const r = rng(3);
    const eventsBefore = await countRows(ctx, "events");
    const limitBefore = await countRows(ctx, LIMIT_TABLE);
    const bareBefore = await countRows(ctx, BARE_TABLE);
    let oursEvents = 0;
    let limitEvents = 0;
    let bareEvents = 0;
    const duration = (phase: Phase) => (phase === "warmup" ? ctx.config.warmupMs : ctx.config.repMs);
    const samples = await interleave(
      {
        limit: async (phase: Phase): Promise<LoadResult> => {
          const run = await runLoad({ durationMs: duration(phase), concurrency: 1, op: () => limitInsertMany(ctx, r, BATCH) });
          limitEvents += run.events;
          return run;
        },
        bare: async (phase: Phase): Promise<LoadResult> => {
          const run = await runLoad({ durationMs: duration(phase), concurrency: 1, op: () => bareAppendMany(ctx, r, BATCH) });
          bareEvents += run.events;
          return run;
        },
        ours: async (phase: Phase): Promise<LoadResult> => {
          const run = await runLoad({
            durationMs: duration(phase),
            concurrency: 1,
            op: async () => {
              const { sketch, event } = newCustomer(r);
              const events = [event];
              while (events.length < BATCH) events.push(changeCustomer(r, sketch));
              const result = await ctx.store.append(sketch.streamId, events, { expectedVersion: "no_stream" });
              check(
                result.nextExpectedVersion === BATCH && result.events.length === BATCH && result.lastPosition - result.firstPosition >= BATCH - 1,
                `${sketch.streamId}: batch append returned v${result.nextExpectedVersion} with ${result.events.length} events`,
              );
              return BATCH;
            },
          });
          oursEvents += run.events;
          return run;
        },
      },
      ctx.config.reps,
      { pauseMs: 50 },
    );
    const eventsAfter = await countRows(ctx, "events");
    check(eventsAfter - eventsBefore === oursEvents, `${eventsAfter - eventsBefore} events in the log, ${oursEvents} appended`);
    const limitAfter = await countRows(ctx, LIMIT_TABLE);
    check(limitAfter - limitBefore === limitEvents, `${limitAfter - limitBefore} baseline rows, ${limitEvents} inserted`);
    const bareAfter = await countRows(ctx, BARE_TABLE);
    check(bareAfter - bareBefore === bareEvents, `${bareAfter - bareBefore} bare rows, ${bareEvents} appended`);

    const lat = latencySummary(samples.ours.flatMap((s) => s.latenciesMs));
    const limitLat = latencySummary(samples.limit.flatMap((s) => s.latenciesMs));
    ctx.report({
      scenario: "append-batch",
      case: `${BATCH} events/append, c=1`,
      metric: "events/s",
      unit: "ev/s",
      better: "higher",
      values: samples.ours.map(eventsPerSecond),
      limit: samples.limit.map(eventsPerSecond),
      limitLabel: `multi-row INSERT of ${BATCH} rows`,
      bare: samples.bare.map(eventsPerSecond),
      goal: { on: "bare", op: ">=", target: 0.9, text: "≥ 0.90 of bare" },
      peer: await emmettFigures(ctx, "append-batch", { pool: BENCH_POOL }),
      detail: `p50 ${lat.p50.toFixed(1)} / p99 ${lat.p99.toFixed(1)} ms per append (limit ${limitLat.p50.toFixed(1)} / ${limitLat.p99.toFixed(1)})`,
      extra: { latency: lat, limitLatency: limitLat },
    });
  },
};
