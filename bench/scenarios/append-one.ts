import { newId } from "@/lib/eventstore/new-id";
import { check, type BenchContext, type Scenario } from "../lib/context";
import { bulkAppend, changeCustomer, countRows, newCustomer, registrations, rng, type CustomerSketch } from "../lib/data";
import { BARE_TABLE, BareStreams } from "../lib/bare";
import { limitInsertOne, LIMIT_TABLE } from "../lib/limits";
import { emmettFigures } from "../lib/peers";
import { BENCH_POOL } from "../lib/targets";
import { eventsPerSecond, interleave, runLoad, type LoadResult, type Phase } from "../lib/measure";
import { latencySummary } from "../lib/stats";

type Sample = { rate: number; run: LoadResult };

/**
 * Single-event appends through EventStore.append with an expected version, against one
 * prepared INSERT per transaction: to new streams ("no_stream") and to existing ones (the
 * version each worker last wrote), at several concurrency levels.
 */
export const appendOne: Scenario = {
  id: "append-one",
  appends: true,
  title: "single-event appends with expected version (EventStore.append) vs prepared INSERT, 1 row/tx",
  run: (ctx) => measureAppendOne(ctx, { scenario: "append-one", concurrency: ctx.config.concurrency, goalAt: 16 }),
};

/** The append-one measurement, shared with the embedded scenario (PGlite, concurrency 1). */
export async function measureAppendOne(
  ctx: BenchContext,
  options: { scenario: string; concurrency: number[]; goalAt?: number; casePrefix?: string },
): Promise<void> {
  const r = rng(1);
  for (const concurrency of options.concurrency) {
    // One stream per worker for the "existing" cases, so workers never conflict with each other.
    const plain = registrations(r, concurrency);
    const withIds = registrations(r, concurrency);
    await bulkAppend(ctx, [...plain.appends, ...withIds.appends]);
    // The idempotency record (commandId) costs a row of its own: shown once, at the top level.
    const withCommandId = concurrency === Math.max(...options.concurrency);

    const eventsBefore = await countRows(ctx, "events");
    const limitBefore = await countRows(ctx, LIMIT_TABLE);
    const bareBefore = await countRows(ctx, BARE_TABLE);
    let oursOps = 0;
    let limitOps = 0;
    const measure = (op: (w: number) => Promise<number>, ours: boolean) => async (phase: Phase): Promise<Sample> => {
      const run = await runLoad({ durationMs: phase === "warmup" ? ctx.config.warmupMs : ctx.config.repMs, concurrency, op });
      if (ours) oursOps += run.ops;
      else limitOps += run.ops;
      return { rate: eventsPerSecond(run), run };
    };
    const appendTo = (targets: CustomerSketch[], commandId: boolean) => async (w: number) => {
      const c = targets[w];
      const expectedVersion = c.version;
      const event = changeCustomer(r, c);
      const result = await ctx.store.append(c.streamId, [event], {
        expectedVersion,
        ...(commandId ? { commandId: newId() } : {}),
      });
      check(result.nextExpectedVersion === c.version, `${c.streamId}: appended at v${result.nextExpectedVersion}, expected v${c.version}`);
      return 1;
    };
    const bare = new BareStreams(ctx, r, concurrency);
    const variants: Record<string, (phase: Phase) => Promise<Sample>> = {
      limit: measure(() => limitInsertOne(ctx, r), false),
      bare: measure((w) => bare.appendOne(r, w), false),
      "new streams": measure(async () => {
        const { sketch, event } = newCustomer(r);
        const result = await ctx.store.append(sketch.streamId, [event], { expectedVersion: "no_stream" });
        check(result.nextExpectedVersion === 1 && result.events.length === 1, `${sketch.streamId}: new stream at v${result.nextExpectedVersion}`);
        return 1;
      }, true),
      "existing streams": measure(appendTo(plain.customers, false), true),
    };
    if (withCommandId) variants["existing streams + commandId"] = measure(appendTo(withIds.customers, true), true);
    const samples = await interleave(variants, ctx.config.reps, { pauseMs: 50 });

    // The data set: every append counted is in the log, every baseline row in its table, and
    // each existing stream is exactly at the version its worker last wrote, with no gaps.
    const eventsAfter = await countRows(ctx, "events");
    check(eventsAfter - eventsBefore === oursOps, `c=${concurrency}: ${eventsAfter - eventsBefore} events in the log, ${oursOps} appends counted`);
    const limitAfter = await countRows(ctx, LIMIT_TABLE);
    const bareRows = bare.written();
    const bareAfter = await countRows(ctx, BARE_TABLE);
    check(bareAfter - bareBefore === bareRows, `c=${concurrency}: ${bareAfter - bareBefore} bare rows, ${bareRows} appends counted`);
    check(limitAfter - limitBefore === limitOps - bareRows, `c=${concurrency}: ${limitAfter - limitBefore} baseline rows, ${limitOps - bareRows} inserts counted`);
    for (const c of [...plain.customers, ...(withCommandId ? withIds.customers : [])]) {
      const [row] = await ctx.raw.query<{ n: string | number; top: string | number | null }>(
        `select count(*) as n, max(version) as top from events where stream_id = $1`,
        [c.streamId],
      );
      check(
        row && Number(row.n) === c.version && Number(row.top) === c.version,
        `${c.streamId}: ${row?.n} events, top v${row?.top}; the bench wrote up to v${c.version}`,
      );
    }

    const limitRates = samples.limit.map((s) => s.rate);
    const limitLat = latencySummary(samples.limit.flatMap((s) => s.run.latenciesMs));
    const bareRates = samples.bare.map((s) => s.rate);
    // The peer does what "existing streams" does: one event to a stream of its own per worker.
    const peer = options.scenario === "append-one" ? await emmettFigures(ctx, "append-one", { concurrency, pool: BENCH_POOL }) : undefined;
    for (const name of Object.keys(variants).filter((n) => n !== "limit" && n !== "bare")) {
      const lat = latencySummary(samples[name].flatMap((s) => s.run.latenciesMs));
      // Goals (issue 17) are against the bare limit: ≥ 0.80 at c=16, ≥ 0.70 at c=1.
      const goalTarget = name.includes("commandId") ? undefined : concurrency === options.goalAt ? 0.8 : concurrency === 1 ? 0.7 : undefined;
      ctx.report({
        scenario: options.scenario,
        case: `${options.casePrefix ?? ""}${name}, c=${concurrency}`,
        metric: "events/s",
        unit: "ev/s",
        better: "higher",
        values: samples[name].map((s) => s.rate),
        limit: limitRates,
        limitLabel: "prepared INSERT, 1 row/tx",
        bare: bareRates,
        peer: name === "existing streams" ? peer : undefined,
        goal: goalTarget ? { on: "bare", op: ">=", target: goalTarget, text: `≥ ${goalTarget.toFixed(2)} of bare` } : undefined,
        detail: `p50 ${lat.p50.toFixed(1)} / p99 ${lat.p99.toFixed(1)} ms (limit ${limitLat.p50.toFixed(1)} / ${limitLat.p99.toFixed(1)})`,
        extra: { latency: lat, limitLatency: limitLat, ops: samples[name].map((s) => s.run.ops) },
      });
    }
  }
}
