import { saveSnapshot } from "@/lib/eventstore";
import { loadCustomer, renameCustomer } from "@/lib/commands/customer";
import { CUSTOMER_STATE_SHAPE } from "@/lib/domain/customer/state";
import { check, type Scenario } from "../lib/context";
import { bulkAppend, changeCustomer, countRows, newCustomer, randomName, rng, type BulkAppend, type CustomerSketch } from "../lib/data";
import { BareStreams } from "../lib/bare";
import { limitInsertOne } from "../lib/limits";
import { eventsPerSecond, interleave, runLoad, type LoadResult, type Phase } from "../lib/measure";
import { latencySummary } from "../lib/stats";

const CONCURRENCY = 16;
/** Customers per worker: each worker renames its own, so the load has no version conflicts. */
const PER_WORKER = 4;
/** Events each customer starts with: a snapshot at 100 plus a 50-event tail to replay. */
const HISTORY = 150;

/**
 * Full command handling through lib/commands/customer.ts (renameCustomer: load the latest
 * snapshot and the events after it, decide, append with the idempotency record, snapshot every
 * 100 events) at concurrency 16, against append-one's limit (prepared INSERT, 1 row/tx).
 */
export const command: Scenario = {
  id: "command",
  appends: true,
  title: "renameCustomer (snapshot + tail, decide, append) at c=16 vs prepared INSERT, 1 row/tx",
  async run(ctx) {
    const r = rng(2);
    const customers: CustomerSketch[] = [];
    const appends: BulkAppend[] = [];
    for (let i = 0; i < CONCURRENCY * PER_WORKER; i++) {
      const { sketch, event } = newCustomer(r);
      const events = [event];
      while (sketch.version < HISTORY) events.push(changeCustomer(r, sketch));
      customers.push(sketch);
      appends.push({ streamId: sketch.streamId, expected: "no_stream", events });
    }
    await bulkAppend(ctx, appends, 64);
    // The snapshots the command handler would have written at version 100.
    for (const c of customers) {
      const at100 = await loadCustomer(ctx.store, c.id, 100);
      check(at100.version === 100 && at100.fromSnapshot === null, `${c.streamId}: state at v100 is v${at100.version}`);
      await saveSnapshot(ctx.store.db, { streamId: c.streamId, version: 100, shapeVersion: CUSTOMER_STATE_SHAPE, state: at100.state });
    }

    const eventsBefore = await countRows(ctx, "events");
    let oursOps = 0;
    const next = new Array(CONCURRENCY).fill(0);
    const bare = new BareStreams(ctx, r, CONCURRENCY);
    const variants = {
      bare: async (phase: Phase) =>
        runLoad({ durationMs: phase === "warmup" ? ctx.config.warmupMs : ctx.config.repMs, concurrency: CONCURRENCY, op: (w) => bare.appendOne(r, w) }),
      limit: async (phase: Phase) =>
        runLoad({ durationMs: phase === "warmup" ? ctx.config.warmupMs : ctx.config.repMs, concurrency: CONCURRENCY, op: () => limitInsertOne(ctx, r) }),
      command: async (phase: Phase): Promise<LoadResult> => {
        const run = await runLoad({
          durationMs: phase === "warmup" ? ctx.config.warmupMs : ctx.config.repMs,
          concurrency: CONCURRENCY,
          op: async (w) => {
            const c = customers[w + CONCURRENCY * (next[w]++ % PER_WORKER)];
            let name = randomName(r);
            if (name === c.name) name += " Jr";
            const result = await renameCustomer(c.id, { name }, { store: ctx.store, actor: "bench" });
            check(result.ok && !result.unchanged, `${c.streamId}: rename refused or unchanged: ${JSON.stringify(result.ok ? result : result.error)}`);
            c.version++;
            c.name = name;
            check(result.version === c.version, `${c.streamId}: rename landed at v${result.version}, expected v${c.version}`);
            return 1;
          },
        });
        oursOps += run.ops;
        return run;
      },
    };
    const samples = await interleave(variants, ctx.config.reps, { pauseMs: 50 });

    const eventsAfter = await countRows(ctx, "events");
    check(eventsAfter - eventsBefore === oursOps, `${eventsAfter - eventsBefore} events in the log, ${oursOps} commands counted`);
    let fromSnapshots = 0;
    for (const c of customers) {
      const loaded = await loadCustomer(ctx.store, c.id);
      check(
        loaded.version === c.version && loaded.state.status === "active" && loaded.state.name === c.name,
        `${c.streamId}: loads as v${loaded.version} "${loaded.state.status === "active" ? loaded.state.name : loaded.state.status}", the bench renamed it to v${c.version} "${c.name}"`,
      );
      if (loaded.fromSnapshot !== null) fromSnapshots++;
    }
    check(fromSnapshots === customers.length, `only ${fromSnapshots} of ${customers.length} customers loaded from a snapshot`);

    const lat = latencySummary(samples.command.flatMap((s) => s.latenciesMs));
    const limitLat = latencySummary(samples.limit.flatMap((s) => s.latenciesMs));
    ctx.report({
      scenario: "command",
      case: `renameCustomer, c=${CONCURRENCY}`,
      metric: "commands/s",
      unit: "cmd/s",
      better: "higher",
      values: samples.command.map(eventsPerSecond),
      limit: samples.limit.map(eventsPerSecond),
      limitLabel: "prepared INSERT, 1 row/tx (append-one's limit)",
      bare: samples.bare.map(eventsPerSecond),
      goal: { on: "bare", op: ">=", target: 0.7, text: "≥ 0.70 of bare" },
      detail: `p50 ${lat.p50.toFixed(1)} / p99 ${lat.p99.toFixed(1)} ms (limit ${limitLat.p50.toFixed(1)} / ${limitLat.p99.toFixed(1)}); ${HISTORY}-event streams, snapshot every 100`,
      extra: { latency: lat, limitLatency: limitLat },
    });
  },
};
