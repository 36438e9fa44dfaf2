import { appServer, ensureBuild, stopAppServer, treeRssMb } from "../lib/app-server";
import { check, type BenchContext, type Scenario } from "../lib/context";
import { CITIES, countRows, rng, SEARCH_TERMS } from "../lib/data";
import { runLoad } from "../lib/measure";
import { memoryMb } from "../lib/proc";
import { projectorBatchText, runProjectorChild, type ProjectorRun } from "../lib/projector-child";
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
 * list-page load and under a command load through the HTTP API (POST …/rename at c=16); and of a
 * projector process rebuilding customer_list: its peak after 50,000 and after 100,000 events,
 * whose ratio shows whether memory grows with the log.
 */
export const memory: Scenario = {
  id: "memory",
  title: "peak RSS of the app under list and command load; of a projector catching up (50k vs 100k events)",
  postgresOnly: true,
  async prepare(ctx) {
    ensureBuild(ctx);
    await ensureReadTables(ctx);
    await appServer(ctx);
  },
  async run(ctx) {
    await ensureReadTables(ctx);
    const server = await appServer(ctx);
    const r = rng(13);

    // Customers for the command load: one set per worker, versions as the log has them.
    const targets = await ctx.raw.query<{ stream_id: string; version: number | string }>(
      `select stream_id, max(version) as version from events where stream_id like 'Customer-%'
       group by stream_id order by stream_id limit ${COMMAND_CONCURRENCY * 4}`,
    );
    const customers = targets.map((t) => ({ id: t.stream_id.slice("Customer-".length), version: Number(t.version) }));
    let renames = 0;
    const listOp = async (_w: number, i: number) => {
      const url =
        i % 2 === 0
          ? `${server.baseUrl}/customers?city=${encodeURIComponent(r.pick(CITIES))}`
          : `${server.baseUrl}/api/customers?q=${encodeURIComponent(r.pick(SEARCH_TERMS))}`;
      const response = await fetch(url, { headers: server.headers });
      await response.arrayBuffer();
      check(response.status === 200, `GET ${url}: ${response.status}`);
    };
    const commandOp = async (w: number, i: number) => {
      const c = customers[w + COMMAND_CONCURRENCY * (i % 4)];
      const response = await fetch(`${server.baseUrl}/api/customers/${c.id}/rename`, {
        method: "POST",
        headers: { ...server.headers, "content-type": "application/json" },
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
        goal: { on: "value", op: "<", target: 250, text: "< 250 MB" },
        detail: `sampled every ${SAMPLE_MS} ms; server lifetime peak (VmHWM) ${hwm.toFixed(0)} MB`,
      });
    }

    // A projector process needs the customer_list checkpoint to itself: stop the app's projectors.
    await stopAppServer(ctx);
    await projectorCatchUp(ctx);
  },
};

/**
 * The projector's memory: from the catch-up scenario's runs when it ran (the same processes
 * that were timed), else from runs of its own on the (longer) log.
 */
async function projectorCatchUp(ctx: BenchContext) {
  let measured = ctx.shared.projectorRuns;
  let source = "the catch-up scenario's worker processes";
  if (!measured) {
    const full = ctx.config.catchUpEvents;
    const logSize = await countRows(ctx, "events");
    check(logSize >= full, `the log holds ${logSize} events, the projector needs at least ${full}`);
    const runs: ProjectorRun[] = [];
    for (let rep = 0; rep < ctx.config.reps; rep++) runs.push(await runProjectorChild(ctx, [full / 2, full]));
    measured = { half: full / 2, full, runs };
    source = `worker processes rebuilding customer_list on a ${logSize.toLocaleString("en-US")}-event log`;
  }
  const { half, full, runs } = measured;
  const at = (run: ProjectorRun, n: number) => run.marks.find((m) => m.events === n)!.hwm;
  ctx.report({
    scenario: "memory",
    case: `projector catch-up: peak at ${full / 1000}k ÷ peak at ${half / 1000}k events`,
    metric: "RSS growth",
    unit: "×",
    better: "lower",
    values: runs.map((run) => at(run, full) / at(run, half)),
    goal: { on: "value", op: "<=", target: 1.1, text: "≤ 1.10 (flat)" },
    detail: `RSS start→${half / 1000}k→${full / 1000}k: ${runs.map((run) => `${run.before.rss.toFixed(0)}→${at(run, half).toFixed(0)}→${at(run, full).toFixed(0)} MB`).join("; ")}`,
  });
  ctx.report({
    scenario: "memory",
    case: `projector catch-up, peak RSS at ${full / 1000}k events`,
    metric: "peak RSS",
    unit: "MB",
    better: "lower",
    values: runs.map((run) => at(run, full)),
    detail: `${source} (tsx), customer_list, ${projectorBatchText()}`,
  });
}
