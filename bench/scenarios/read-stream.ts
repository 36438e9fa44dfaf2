import { saveSnapshot } from "@/lib/eventstore";
import { deepStrictEqual } from "node:assert/strict";
import { loadCustomer } from "@/lib/commands/customer";
import { customerDecider, customerStream } from "@/lib/commands/customer";
import { loadState } from "@/lib/commands/handle-command";
import type { CustomerState } from "@/lib/domain/customer/state";
import { emmettFigures } from "../lib/peers";
import { BENCH_POOL } from "../lib/targets";
import { check, type BenchContext, type Scenario } from "../lib/context";
import { changeCustomer, newCustomer, rng, type CustomerSketch } from "../lib/data";
import { limitReadStream } from "../lib/limits";
import { interleave, runLoad, type Phase } from "../lib/measure";
import { latencySummary, type LatencySummary } from "../lib/stats";

const SNAPSHOT_EVERY = 100;

/** Stream facts that find no snapshot of their shape: loadState replays the whole stream. */
const withoutSnapshots = { ...customerStream, shapeVersion: -1 };

/**
 * Write one customer stream of `size` events through EventStore.append (1,000 per append) and
 * the snapshots the command handler would have written every 100 versions, except the last:
 * the latest snapshot is at size − 100, so a load replays a 100-event tail (the app's worst
 * case is 99).
 */
export async function writeLongStream(ctx: BenchContext, size: number, seed: number): Promise<{ customer: CustomerSketch; lastSnapshot: number }> {
  const r = rng(seed);
  const { sketch, event } = newCustomer(r);
  let state: CustomerState = customerDecider.initialState();
  let pending = [event];
  let written = 0;
  let lastSnapshot = 0;
  while (written < size) {
    while (pending.length < Math.min(1000, size - written)) pending.push(changeCustomer(r, sketch));
    const result = await ctx.store.append(sketch.streamId, pending, { expectedVersion: written === 0 ? "no_stream" : written });
    for (const recorded of result.events) {
      state = customerDecider.evolve(state, recorded);
      if (recorded.version % SNAPSHOT_EVERY === 0 && recorded.version <= size - SNAPSHOT_EVERY) {
        await saveSnapshot(ctx.store.db, { streamId: sketch.streamId, version: recorded.version, shapeVersion: customerStream.shapeVersion, state });
        lastSnapshot = recorded.version;
      }
    }
    written = result.nextExpectedVersion;
    pending = [];
  }
  check(written === size && sketch.version === size, `long stream written to v${written}, wanted ${size}`);
  return { customer: sketch, lastSnapshot };
}

export const readStream: Scenario = {
  id: "read-stream",
  appends: true,
  title: "read a 10,000-event stream; load its state with and without snapshots",
  run: (ctx) => measureReadStream(ctx, { scenario: "read-stream", size: ctx.config.streamEvents, goal: true }),
};

/** The read-stream measurement, shared with the embedded scenario. */
export async function measureReadStream(ctx: BenchContext, options: { scenario: string; size: number; goal: boolean; casePrefix?: string }) {
  const { size } = options;
  const { customer, lastSnapshot } = await writeLongStream(ctx, size, 4);
  const { streamId } = customer;

  // The data set, once, before timing anything: every event in order, and the snapshot path
  // yields exactly the state of a full replay.
  const all = await ctx.store.readStream(streamId);
  check(all.length === size && all.every((e, i) => e.version === i + 1), `readStream returned ${all.length} events (wanted ${size}, versions 1..${size} in order)`);
  const full = await loadState(ctx.store, customerDecider, withoutSnapshots, streamId);
  const snap = await loadCustomer(ctx.store, customer.id);
  check(full.fromSnapshot === null && full.version === size, `full replay reached v${full.version} (from snapshot ${full.fromSnapshot})`);
  check(snap.fromSnapshot === lastSnapshot && snap.version === size, `snapshot load reached v${snap.version} from snapshot ${snap.fromSnapshot}, wanted ${size} from ${lastSnapshot}`);
  try {
    deepStrictEqual(snap.state, full.state);
  } catch {
    check(false, `the state loaded from the snapshot differs from the full replay`);
  }

  const latencies = (op: () => Promise<void>) => async (phase: Phase): Promise<LatencySummary> => {
    const run = await runLoad({ durationMs: phase === "warmup" ? ctx.config.warmupMs : ctx.config.repMs, concurrency: 1, op: async () => op() });
    return latencySummary(run.latenciesMs);
  };
  const tail = size - lastSnapshot;
  const samples = await interleave(
    {
      "limit stream": latencies(async () => {
        const n = await limitReadStream(ctx, streamId);
        check(n === size, `baseline read ${n} of ${size} events`);
      }),
      readStream: latencies(async () => {
        const events = await ctx.store.readStream(streamId);
        check(events.length === size, `readStream returned ${events.length} of ${size} events`);
      }),
      "loadState, no snapshot": latencies(async () => {
        const loaded = await loadState(ctx.store, customerDecider, withoutSnapshots, streamId);
        check(loaded.version === size, `full replay reached v${loaded.version} of ${size}`);
      }),
      "limit snapshot + tail": latencies(async () => {
        const [row] = await ctx.raw.query<{ version: number | string }>(
          `select version, state from snapshots where stream_id = $1 and shape_version = $2 order by version desc limit 1`,
          [streamId, customerStream.shapeVersion],
        );
        const rows = await ctx.raw.query(`select * from events where stream_id = $1 and version > $2 order by version`, [streamId, row.version]);
        check(rows.length === tail, `baseline tail read ${rows.length} of ${tail} events`);
      }),
      loadCustomer: latencies(async () => {
        const loaded = await loadCustomer(ctx.store, customer.id);
        check(loaded.version === size && loaded.fromSnapshot === lastSnapshot, `loadCustomer reached v${loaded.version} from snapshot ${loaded.fromSnapshot}`);
      }),
    },
    ctx.config.reps,
  );

  const p50s = (name: string) => samples[name].map((s) => s.p50);
  const detail = (name: string) => {
    const all = samples[name];
    return `p95 ${Math.max(...all.map((s) => s.p95)).toFixed(2)} ms (worst rep), ${all.reduce((n, s) => n + s.count, 0)} loads`;
  };
  const sizeText = size.toLocaleString("en-US");
  ctx.report({
    scenario: options.scenario,
    case: `${options.casePrefix ?? ""}readStream, ${sizeText} events`,
    metric: "p50 latency",
    unit: "ms",
    better: "lower",
    values: p50s("readStream"),
    limit: p50s("limit stream"),
    limitLabel: "select * of the stream by version",
    goal: options.scenario === "read-stream" ? { on: "ratio", op: ">=", target: 0.85, text: "≥ 0.85" } : undefined,
    peer: options.scenario === "read-stream" ? await emmettFigures(ctx, "read-stream", { size, pool: BENCH_POOL }) : undefined,
    detail: detail("readStream"),
    extra: { samples: samples.readStream, limitSamples: samples["limit stream"] },
  });
  ctx.report({
    scenario: options.scenario,
    case: `${options.casePrefix ?? ""}loadState without snapshot, ${sizeText} events`,
    metric: "p50 latency",
    unit: "ms",
    better: "lower",
    values: p50s("loadState, no snapshot"),
    limit: p50s("limit stream"),
    limitLabel: "select * of the stream by version",
    detail: detail("loadState, no snapshot"),
    extra: { samples: samples["loadState, no snapshot"] },
  });
  ctx.report({
    scenario: options.scenario,
    case: `${options.casePrefix ?? ""}loadCustomer with snapshot (v${lastSnapshot} + ${tail}-event tail)`,
    metric: "p50 latency",
    unit: "ms",
    better: "lower",
    values: p50s("loadCustomer"),
    limit: p50s("limit snapshot + tail"),
    limitLabel: "select latest snapshot + select tail",
    goal: options.goal ? { on: "value", op: "<", target: 5, text: "< 5 ms" } : undefined,
    detail: detail("loadCustomer"),
    extra: { samples: samples.loadCustomer, limitSamples: samples["limit snapshot + tail"] },
  });
}
