import { performance } from "node:perf_hooks";
import { encodeCursor } from "@/lib/eventstore";
import { check, type BenchContext, type Scenario } from "../lib/context";
import { countRows } from "../lib/data";
import { limitReadLog } from "../lib/limits";
import { emmettFigures } from "../lib/peers";
import { BENCH_POOL } from "../lib/targets";
import { interleave, type Phase } from "../lib/measure";
import { latencySummary } from "../lib/stats";
import { ensureCatchUpLog } from "./catch-up";

const PAGE = 1000;

/** Page through the whole log with EventStore.readAll, as a follower does; returns events read. */
async function readWholeLog(ctx: BenchContext): Promise<number> {
  let after: string | null = null;
  let read = 0;
  for (;;) {
    const page: { events: unknown[]; cursor: string } = await ctx.store.readAll({ after, limit: PAGE });
    read += page.events.length;
    if (page.events.length < PAGE) return read;
    after = page.cursor;
  }
}

/**
 * The whole log read in pages of 1,000 through EventStore.readAll (follower-safe order, decoded
 * and upcast events) against `select *` keyset pages of the same table. Runs on the catch-up log.
 */
export const readAll: Scenario = {
  id: "read-all",
  title: `the whole log through EventStore.readAll, pages of ${PAGE.toLocaleString("en-US")}, vs keyset SELECT pages`,
  prepare: async (ctx) => void (await ensureCatchUpLog(ctx)),
  async run(ctx) {
    const size = await countRows(ctx, "events");
    const timedRead = (fn: () => Promise<number>) => async (_phase: Phase) => {
      const t0 = performance.now();
      const read = await fn();
      const ms = performance.now() - t0;
      check(read === size, `read ${read} events, the log holds ${size}`);
      return (read * 1000) / ms;
    };
    const samples = await interleave(
      { limit: timedRead(() => limitReadLog(ctx, { pageSize: PAGE })), ours: timedRead(() => readWholeLog(ctx)) },
      ctx.config.reps,
      { pauseMs: 50 },
    );
    ctx.report({
      scenario: "read-all",
      case: `readAll, ${size.toLocaleString("en-US")} events, pages of ${PAGE.toLocaleString("en-US")}`,
      metric: "events/s",
      unit: "ev/s",
      better: "higher",
      values: samples.ours,
      limit: samples.limit,
      limitLabel: `select * keyset pages of ${PAGE}`,
      goal: { on: "ratio", op: ">=", target: 0.85, text: "≥ 0.85" },
      peer: await emmettFigures(ctx, "read-all", { size, pool: BENCH_POOL }),
    });
    await pageLatencies(ctx, size);
  },
};

/**
 * One page's latency at the start of the log and at its head (the last full page): an index
 * that serves the follower order keeps both flat as the log grows (`--scale`).
 */
async function pageLatencies(ctx: BenchContext, size: number): Promise<void> {
  const [head] = await ctx.raw.query<{ transaction_id: string; position: number | string }>(
    `select transaction_id::text as transaction_id, position from events order by transaction_id, position offset $1 limit 1`,
    [Math.max(0, size - PAGE - 1)],
  );
  const at = { start: null, head: encodeCursor({ transactionId: head.transaction_id, position: Number(head.position) }) };
  for (const [where, after] of Object.entries(at)) {
    const each: number[][] = [];
    for (let rep = 0; rep < ctx.config.reps; rep++) {
      const latencies: number[] = [];
      const deadline = performance.now() + ctx.config.repMs / 2;
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const page = await ctx.store.readAll({ after, limit: PAGE });
        latencies.push(performance.now() - t0);
        check(page.events.length === PAGE, `a page at the ${where} held ${page.events.length} events`);
      }
      each.push(latencies);
    }
    const p50s = each.map((l) => latencySummary(l).p50);
    ctx.report({
      scenario: "read-all",
      case: `one page of ${PAGE.toLocaleString("en-US")} at the ${where} of the log`,
      metric: "p50 latency",
      unit: "ms",
      better: "lower",
      values: p50s,
      detail: `p95 ${latencySummary(each.flat()).p95.toFixed(2)} ms, ${each.flat().length} pages`,
    });
  }
}
