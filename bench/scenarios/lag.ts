import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { projections } from "@/lib/projections";
import { ProjectionRunner } from "@/lib/projections/runner";
import { check, type BenchContext, type Scenario } from "../lib/context";
import { changeCustomer, newCustomer, rng, type CustomerSketch } from "../lib/data";
import { eventsPerSecond, runLoad } from "../lib/measure";
import { spawnTs } from "../lib/proc";
import { heapArgs } from "../../scripts/server-args.mjs";
import { latencySummary, median, type LatencySummary } from "../lib/stats";
import { quietLog } from "./catch-up";

/** Longest a committed event may take to show before the scenario calls the data set wrong. */
const VISIBLE_WITHIN_MS = 15_000;
/** Appends allowed in flight: enough for the target rate, bounded so a stall shows as a shortfall. */
const MAX_IN_FLIGHT = 32;

/** Whether every projection has applied everything in the log (none is still catching up). */
async function caughtUp(ctx: BenchContext): Promise<boolean> {
  const names = projections.map((p) => p.name);
  const [row] = await ctx.raw.query<{ checkpoints: number | string; behind: number | string }>(
    `select (select count(*) from projection_checkpoints where name = any($1::text[])) as checkpoints,
            (select count(*) from projection_checkpoints c
              where c.name = any($1::text[]) and exists (
                select 1 from events e where (e.transaction_id, e.position) > (c.transaction_id, c.position))) as behind`,
    [names],
  );
  return Number(row.checkpoints) === names.length && Number(row.behind) === 0;
}

/**
 * The rate the load is half of: append-one's (new streams, EventStore.append, c=16), measured
 * here, right before the lag, so that both figures come from the same minute of the machine.
 */
async function appendOneRate(ctx: BenchContext): Promise<number> {
  const r = rng(7);
  const runs = [];
  for (let i = 0; i < 3; i++) {
    runs.push(
      await runLoad({
        durationMs: ctx.config.warmupMs,
        concurrency: 16,
        op: async () => {
          const { sketch, event } = newCustomer(r);
          await ctx.store.append(sketch.streamId, [event], { expectedVersion: "no_stream" });
        },
      }),
    );
  }
  return median(runs.map(eventsPerSecond));
}

/**
 * Under a steady write load of half append-one's measured rate (half registrations, half
 * changes of customers registered earlier in the run), the time from an append's commit (its
 * EventStore.append returning) to its row showing at that version in customer_list, with every
 * projection running in a worker process as `npm run worker` runs them.
 */
export const lag: Scenario = {
  id: "lag",
  appends: true,
  title: "commit → visible in customer_list, under a steady write load of half the append-one rate",
  async run(ctx) {
    const worker = await startWorker(ctx);
    try {
      const rate = (await appendOneRate(ctx)) / 2;
      const deadline = Date.now() + 120_000;
      while (!(await caughtUp(ctx))) {
        check(Date.now() < deadline, "the projection worker did not catch up on the log within 2 minutes");
        await sleep(200);
      }
      const r = rng(8);
      const pool: CustomerSketch[] = [];
      const probes = new Map<string, { version: number; t: number }>();
      let lagged: number[] = [];
      // A checkpoint notification (sent in the projector's batch transaction, delivered at its
      // commit) triggers a look at the outstanding rows; a 5 ms poll is the safety net.
      let looking = false;
      let lookAgain = false;
      const look = async () => {
        if (looking) {
          lookAgain = true;
          return;
        }
        looking = true;
        try {
          do {
            lookAgain = false;
            if (probes.size === 0) break;
            const rows = await ctx.raw.query<{ id: string; version: number | string }>(
              `select id::text as id, version from customer_list where id = any($1::uuid[])`,
              [[...probes.keys()]],
            );
            const now = performance.now();
            for (const row of rows) {
              const probe = probes.get(row.id);
              if (probe && Number(row.version) >= probe.version) {
                lagged.push(now - probe.t);
                probes.delete(row.id);
              }
            }
          } while (lookAgain);
        } finally {
          looking = false;
        }
      };
      const unlisten = await ctx.database.listen("ledger_checkpoints", (payload) => {
        if (payload === "customer_list") void look();
      });
      const poll = setInterval(() => void look(), 5);

      const writeFor = async (ms: number) => {
        lagged = [];
        let issued = 0;
        let inFlight = 0;
        let failure: unknown;
        const t0 = performance.now();
        const one = async () => {
          // A customer with no append in flight or unseen: a few random draws, not a scan of the
          // pool (a scan per append grew with the run and ate the CPU the projector needed).
          let free: CustomerSketch | undefined;
          if (pool.length > 0 && r.next() < 0.5) {
            for (let tries = 0; tries < 8 && !free; tries++) {
              const candidate = pool[r.int(pool.length)];
              if (!probes.has(candidate.id)) free = candidate;
            }
          }
          let c: CustomerSketch;
          let expected: number | "no_stream";
          let event;
          if (free) {
            c = free;
            expected = c.version;
            event = changeCustomer(r, c);
          } else {
            const created = newCustomer(r);
            c = created.sketch;
            expected = "no_stream";
            event = created.event;
          }
          probes.set(c.id, { version: c.version, t: Number.POSITIVE_INFINITY });
          const result = await ctx.store.append(c.streamId, [event], { expectedVersion: expected });
          const probe = probes.get(c.id);
          if (probe) probe.t = performance.now();
          check(result.nextExpectedVersion === c.version, `${c.streamId}: appended at v${result.nextExpectedVersion}, expected v${c.version}`);
          if (expected === "no_stream") pool.push(c);
        };
        while (performance.now() - t0 < ms) {
          const due = Math.floor(((performance.now() - t0) * rate) / 1000);
          while (issued < due && inFlight < MAX_IN_FLIGHT) {
            issued++;
            inFlight++;
            void one()
              .catch((error) => (failure ??= error))
              .finally(() => inFlight--);
          }
          await sleep(1);
        }
        while (inFlight > 0) await sleep(1);
        if (failure) throw failure;
        const achieved = (issued * 1000) / (performance.now() - t0);
        const waitUntil = Date.now() + VISIBLE_WITHIN_MS;
        while (probes.size > 0 && Date.now() < waitUntil) await sleep(5);
        check(
          probes.size === 0,
          `${probes.size} committed events never showed in customer_list within ${VISIBLE_WITHIN_MS / 1000} s (e.g. ${[...probes.keys()][0]})`,
        );
        check(lagged.length === issued, `${lagged.length} visibility times for ${issued} appends`);
        return { summary: latencySummary(lagged), achieved };
      };

      const repMs = Math.max(ctx.config.repMs, ctx.config.quick ? 1000 : 3000);
      await writeFor(ctx.config.warmupMs);
      const reps: { summary: LatencySummary; achieved: number }[] = [];
      for (let i = 0; i < ctx.config.reps; i++) reps.push(await writeFor(repMs));
      clearInterval(poll);
      await unlisten();

      const achieved = median(reps.map((x) => x.achieved));
      ctx.report({
        scenario: "lag",
        case: `customer_list, load ${achieved.toFixed(0)} ev/s`,
        metric: "p99 commit → visible",
        unit: "ms",
        better: "lower",
        values: reps.map((x) => x.summary.p99),
        goal: { on: "value", op: "<", target: 100, text: "p99 < 100 ms" },
        // A lag measured under less load than asked for would flatter: it cannot pass.
        invalid: achieved < rate * 0.9 ? `the write load reached ${achieved.toFixed(0)} of ${rate.toFixed(0)} ev/s` : undefined,
        detail: `p50 ${median(reps.map((x) => x.summary.p50)).toFixed(1)} / p95 ${median(reps.map((x) => x.summary.p95)).toFixed(1)} / max ${Math.max(...reps.map((x) => x.summary.max)).toFixed(0)} ms; ${reps.reduce((n, x) => n + x.summary.count, 0)} events; target ${rate.toFixed(0)} ev/s = ½ of append-one (new, c=16) measured just before; all projections in a worker process`,
        extra: { reps },
      });
    } finally {
      await worker.stop();
    }
  },
};

/** The projection worker: a separate process on PostgreSQL, in-process on PGlite (one process per data directory). */
async function startWorker(ctx: BenchContext): Promise<{ stop(): Promise<void> }> {
  if (ctx.kind === "pglite") {
    const runner = new ProjectionRunner(ctx.database, projections, { log: quietLog });
    await runner.start();
    return { stop: () => runner.stop() };
  }
  const child = spawnTs("bench/child/projector.ts", ["follow"], { DATABASE_URL: ctx.url! }, heapArgs());
  await child.next((m) => m.ready === true, 60_000);
  return {
    async stop() {
      await child.stop();
    },
  };
}
