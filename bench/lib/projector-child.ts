import type { BenchContext } from "./context";
import { check } from "./check";
import type { ProjectorRun } from "./shapes";
export type { ProjectorRun } from "./shapes";
import { spawnTs } from "./proc";
import { heapArgs } from "../../scripts/server-args.mjs";

/** What a projector child reports after rebuilding customer_list up to its last mark. */

/**
 * Rebuild customer_list from empty in a fresh process (bench/child/projector.ts, as a worker
 * runs it) until `marks[last]` events are applied; its peak RSS is read at every mark.
 */
export async function runProjectorChild(ctx: BenchContext, marks: number[]): Promise<ProjectorRun> {
  check(ctx.url, "a projector process needs PostgreSQL");
  const env: Record<string, string> = { DATABASE_URL: ctx.url, MARKS: marks.join(",") };
  if (process.env.PROJECTION_BATCH_SIZE) env.PROJECTION_BATCH_SIZE = process.env.PROJECTION_BATCH_SIZE;
  // With the worker's node arguments (package.json: npm run worker): its heap cap.
  const child = spawnTs("bench/child/projector.ts", ["catch-up"], env, heapArgs());
  try {
    const run = await child.next<ProjectorRun>((m) => m.done === true, 300_000);
    const last = Math.max(...marks);
    check(
      run.applied >= last && run.checkpointApplied === run.applied && marks.every((m) => run.marks.some((x) => x.events === m)),
      `the projector process applied ${run.applied} events (checkpoint ${run.checkpointApplied}), wanted ${last} with memory at ${marks.join(", ")}`,
    );
    return run;
  } finally {
    await child.stop();
  }
}

/** The batch size a projector process uses: PROJECTION_BATCH_SIZE as for `npm run worker`, else the runner's defaults. */
export const projectorBatchText = () =>
  process.env.PROJECTION_BATCH_SIZE
    ? `runner batch ${process.env.PROJECTION_BATCH_SIZE}`
    : "runner batches of 500 following, 10,000 catching up (defaults)";
