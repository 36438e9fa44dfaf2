import { deepStrictEqual } from "node:assert/strict";
import { customerDecider, customerStream } from "@/lib/commands/customer";
import { loadState } from "@/lib/commands/handle-command";
import { CUSTOMER_STATE_SHAPE } from "@/lib/domain/customer/state";
import { clearCheckpoints } from "@/lib/timeline/checkpoints";
import { stateAt } from "@/lib/timeline/state-at";
import { check, type Row, type Scenario } from "../lib/context";
import { rng } from "../lib/data";
import { interleave, runLoad, type Phase } from "../lib/measure";
import { latencySummary, median, type LatencySummary } from "../lib/stats";
import { writeLongStream } from "./read-stream";

/**
 * lib/timeline's stateAt (state, event, diff and provenance at version N: what the timeline page
 * asks for) at random versions of a 10,000-event stream with snapshots every 100. "warm" is the
 * steady state once the stream has been opened (stateAt keeps provenance checkpoints in memory);
 * "cold" clears them before every request, as for the first request after a restart. The limit
 * reads what a state at N needs: the latest snapshot below N and the events after it.
 */
export const stateAtVersion: Scenario = {
  id: "state-at-version",
  appends: true,
  title: "stateAt(stream, random version) on a 10,000-event stream",
  async run(ctx) {
    const size = ctx.config.streamEvents;
    const { customer } = await writeLongStream(ctx, size, 9);
    const { streamId } = customer;
    const r = rng(10);
    const randomVersion = () => 1 + r.int(size);

    // The data set: at a few versions, stateAt agrees with a full replay up to that version.
    for (const version of [1, 2, size / 2 + 37, size - 1, size, randomVersion()]) {
      const at = await stateAt(ctx.store, streamId, version);
      const replay = await loadState(ctx.store, customerDecider, { ...customerStream, shapeVersion: -1 }, streamId, version);
      check(at.version === version && at.event.version === version && at.currentVersion === size, `stateAt(${version}) answered v${at.version}, event v${at.event.version}`);
      try {
        deepStrictEqual(at.state, replay.state);
      } catch {
        check(false, `stateAt(${version}) differs from a full replay to v${version}`);
      }
    }

    const latencies = (op: () => Promise<void>) => async (phase: Phase): Promise<LatencySummary> => {
      const run = await runLoad({ durationMs: phase === "warmup" ? ctx.config.warmupMs : ctx.config.repMs, concurrency: 1, op: async () => op() });
      return latencySummary(run.latenciesMs);
    };
    const stateAtLatencies = ({ cold }: { cold: boolean }) =>
      latencies(async () => {
        if (cold) clearCheckpoints(ctx.store);
        const version = randomVersion();
        const at = await stateAt(ctx.store, streamId, version);
        check(at.version === version && at.event.version === version, `stateAt(${version}) answered v${at.version}`);
      });
    const samples = await interleave(
      {
        limit: latencies(async () => {
          const version = randomVersion();
          const [snapshot] = await ctx.raw.query<{ version: number | string }>(
            `select version, state from snapshots where stream_id = $1 and shape_version = $2 and version <= $3 order by version desc limit 1`,
            [streamId, CUSTOMER_STATE_SHAPE, version - 1],
          );
          const from = snapshot ? Number(snapshot.version) : 0;
          const rows = await ctx.raw.query(`select * from events where stream_id = $1 and version > $2 and version <= $3 order by version`, [streamId, from, version]);
          check(rows.length === version - from, `baseline read ${rows.length} of ${version - from} events`);
        }),
        warm: stateAtLatencies({ cold: false }),
        cold: stateAtLatencies({ cold: true }),
      },
      ctx.config.reps,
    );
    const sizeText = size.toLocaleString("en-US");
    const detail = (name: string) =>
      `p50 ${median(samples[name].map((s) => s.p50)).toFixed(2)} ms; ${samples[name].reduce((n, s) => n + s.count, 0)} requests`;
    const reportP95 = (name: "warm" | "cold", label: string, more: Pick<Row, "goal" | "extra">) =>
      ctx.report({
        scenario: "state-at-version",
        case: `stateAt, random versions of ${sizeText}, ${label}`,
        metric: "p95 latency",
        unit: "ms",
        better: "lower",
        values: samples[name].map((s) => s.p95),
        limit: samples.limit.map((s) => s.p95),
        limitLabel: "select snapshot below N + select the events after it",
        detail: detail(name),
        ...more,
      });
    reportP95("warm", "warm", {
      goal: { on: "value", op: "<", target: 20, text: "p95 < 20 ms" },
      extra: { samples: samples.warm, limitSamples: samples.limit },
    });
    reportP95("cold", "cold (no cached provenance)", { extra: { samples: samples.cold } });
  },
};
