import { appServer, stopAppServer, treeRssMb } from "../lib/app-server";
import { check, type BenchContext, type Scenario } from "../lib/context";
import { CITIES, countRows, rng, SEARCH_TERMS } from "../lib/data";
import { runLoad } from "../lib/measure";
import { memoryMb, spawnTs } from "../lib/proc";
import { ensureReadTables } from "../lib/read-tables";
import { LIST_CONCURRENCY } from "./list-page";

const COMMAND_CONCURRENCY = 16;
const SAMPLE_MS = 50;

/** Run `fn` while sampling the resident memory of `pid` (and its children); returns the peak in MB. */
async function peakRssDuring(pid: number, fn: () => Promise<void>): Promise<number> {
  let peak = treeRssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, treeRssMb(pid))), SAMPLE_MS);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, treeRssMb(pid));
}

/**
 * Peak resident memory of the app process (next start, projectors in-process) under the
 * list-page load and under a command load through the HTTP API (POST …/rename at c=16); then of
 * a projector process rebuilding customer_list from the whole log: its peak after 50,000 and
 * after 100,000 events, whose ratio shows whether memory grows with the log.
 */
export const memory: Scenario = {
  id: "memory",
  title: "peak RSS of the app under list and command load; of a projector catching up (50k vs 100k events)",
  postgresOnly: true,
  async run(ctx) {
    await ensureReadTables(ctx);
    const server = await appServer(ctx);
    const r = rng(13);

    // Customers for the command load: one set per worker, versions as the log has them.
    const targets = await ctx.raw.query<{ stream_id: string; version: number | string }>(
      `select stream_id, version from streams where stream_type = 'Customer' order by stream_id limit ${COMMAND_CONCURRENCY * 4}`,
    );
    const customers = targets.map((t) => ({ id: t.stream_id.slice("Customer-".length), version: Number(t.version) }));
    let renames = 0;
    const listOp = async (_w: number, i: number) => {
      const url =
        i % 2 === 0
          ? `${server.baseUrl}/customers?city=${encodeURIComponent(r.pick(CITIES))}`
          : `${server.baseUrl}/api/customers?q=${encodeURIComponent(r.pick(SEARCH_TERMS))}`;
      const response = await fetch(url);
      await response.arrayBuffer();
      check(response.status === 200, `GET ${url}: ${response.status}`);
    };
    const commandOp = async (w: number, i: number) => {
      const c = customers[w + COMMAND_CONCURRENCY * (i % 4)];
      const response = await fetch(`${server.baseUrl}/api/customers/${c.id}/rename`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: `Bench Customer ${w}-${i}-${c.version}`, expectedVersion: c.version }),
      });
      const body = (await response.json()) as { version?: number };
      check(response.status === 200 && body.version === c.version + 1, `rename ${c.id} at v${c.version}: ${response.status} ${JSON.stringify(body)}`);
      c.version++;
      renames++;
    };

    const list: number[] = [];
    const commands: number[] = [];
    const eventsBefore = await countRows(ctx, "events");
    for (let rep = -1; rep < ctx.config.reps; rep++) {
      const duration = rep < 0 ? ctx.config.warmupMs : ctx.config.repMs;
      const a = await peakRssDuring(server.pid, async () => void (await runLoad({ durationMs: duration, concurrency: LIST_CONCURRENCY, op: listOp })));
      const b = await peakRssDuring(server.pid, async () => void (await runLoad({ durationMs: duration, concurrency: COMMAND_CONCURRENCY, op: commandOp })));
      if (rep >= 0) {
        list.push(a);
        commands.push(b);
      }
    }
    const eventsAfter = await countRows(ctx, "events");
    check(eventsAfter - eventsBefore === renames, `${eventsAfter - eventsBefore} events appended for ${renames} renames over HTTP`);
    const { hwm } = memoryMb(server.pid);
    for (const [label, values] of [
      [`app during list-page load (c=${LIST_CONCURRENCY})`, list],
      [`app during command load (POST rename, c=${COMMAND_CONCURRENCY})`, commands],
    ] as const) {
      ctx.report({
        scenario: "memory",
        case: label,
        metric: "peak RSS",
        unit: "MB",
        better: "lower",
        values: [...values],
        goal: { on: "value", op: "<", target: 300, text: "< 300 MB" },
        detail: `sampled every ${SAMPLE_MS} ms; server lifetime peak (VmHWM) ${hwm.toFixed(0)} MB`,
      });
    }

    // The projector must have the customer_list checkpoint to itself: stop the app's projectors.
    await stopAppServer(ctx);
    await projectorCatchUp(ctx);
  },
};

async function projectorCatchUp(ctx: BenchContext) {
  const full = ctx.config.catchUpEvents;
  const half = full / 2;
  const logSize = await countRows(ctx, "events");
  check(logSize >= full, `the log holds ${logSize} events, the projector needs at least ${full}`);
  const ratios: number[] = [];
  const peaks: number[] = [];
  const details: string[] = [];
  for (let rep = 0; rep < ctx.config.reps; rep++) {
    const child = spawnTs("bench/child/projector.ts", ["catch-up"], { DATABASE_URL: ctx.url!, MARKS: `${half},${full}` });
    const done = await child.next<{
      applied: number;
      checkpointApplied: number;
      before: { rss: number };
      marks: { events: number; hwm: number }[];
    }>(
      (m) => m.done === true,
      300_000,
    );
    await child.stop();
    check(
      done.applied >= full && done.applied <= logSize && done.checkpointApplied === done.applied,
      `the projector reported ${done.applied} events applied, its checkpoint ${done.checkpointApplied} (log: ${logSize})`,
    );
    const at = (n: number) => done.marks.find((m) => m.events === n)?.hwm;
    const [a, b] = [at(half), at(full)];
    check(a && b, `the projector did not report its memory at ${half} and ${full} events`);
    ratios.push(b / a);
    peaks.push(b);
    details.push(`${done.before.rss.toFixed(0)}→${a.toFixed(0)}→${b.toFixed(0)} MB`);
  }
  // The rebuild stopped at the last mark, so customer_list is left part-built: memory runs
  // after every scenario that reads it.
  ctx.report({
    scenario: "memory",
    case: `projector catch-up: peak at ${full / 1000}k ÷ peak at ${half / 1000}k events`,
    metric: "RSS growth",
    unit: "×",
    better: "lower",
    values: ratios,
    goal: { on: "value", op: "<=", target: 1.1, text: "≤ 1.10 (flat)" },
    detail: `RSS start→${half / 1000}k→${full / 1000}k: ${details.join("; ")}`,
  });
  ctx.report({
    scenario: "memory",
    case: `projector catch-up, peak RSS at ${full / 1000}k events`,
    metric: "peak RSS",
    unit: "MB",
    better: "lower",
    values: peaks,
    detail: `separate process (tsx), customer_list only, batch 500 (default)`,
  });
}
