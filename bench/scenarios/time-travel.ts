import { performance } from "node:perf_hooks";
import { customerListProjection } from "@/lib/projections";
import { verifyProjection } from "@/lib/projections/verify";
import { appServer, ensureBuild, treeRssMb } from "../lib/app-server";
import { check, type Scenario } from "../lib/context";
import { analyze, CITIES, rng } from "../lib/data";
import { interleave, runLoad, type Phase } from "../lib/measure";
import { ensureReadTables } from "../lib/read-tables";
import { latencySummary, median, type LatencySummary } from "../lib/stats";
import { LIST_CONCURRENCY } from "./list-page";

// Issue 18's bench lines: the register as of a moment (customer_history), the drift check of
// customer_list, and the CSV export of every row, each at the list-page's customer count.

const PAGE = 20;
const SAMPLE_MS = 50;

/** Baseline: the page's rows as of a moment, straight from customer_history (GiST on `valid`). */
const AS_OF_SQL = `select * from customer_history where valid @> $1::timestamptz and city_key = lower($2)
  order by name, id limit ${PAGE + 1}`;

/** Three moments spread over the log: a quarter, half and all of it recorded. */
async function moments(raw: { query<T>(text: string, params?: unknown[]): Promise<T[]> }): Promise<string[]> {
  const [{ n }] = await raw.query<{ n: number | string }>(`select count(*) as n from events`);
  const out: string[] = [];
  for (const share of [0.25, 0.5, 1]) {
    const offset = Math.max(0, Math.floor(Number(n) * share) - 1);
    const [row] = await raw.query<{ at: string | Date }>(`select created_at as at from events order by position offset $1 limit 1`, [offset]);
    out.push(new Date(new Date(row.at).getTime() + 1).toISOString());
  }
  return out;
}

export const asOfList: Scenario = {
  id: "as-of-list",
  title: "GET /customers?asOf=…&city=… through next start (customer_history), list-page's customer count",
  postgresOnly: true,
  async prepare(ctx) {
    ensureBuild(ctx);
    await ensureReadTables(ctx);
    await analyze(ctx, ["customer_history"]);
    await appServer(ctx);
  },
  async run(ctx) {
    const { customers } = await ensureReadTables(ctx);
    const server = await appServer(ctx);
    const r = rng(18);
    const at = await moments(ctx.raw);
    const pastPage = async () => {
      const city = r.pick(CITIES);
      const asOf = r.pick(at);
      const url = `${server.baseUrl}/customers?asOf=${encodeURIComponent(asOf)}&city=${encodeURIComponent(city)}`;
      const response = await fetch(url, { headers: server.headers });
      const html = await response.text();
      check(response.status === 200, `GET /customers?asOf=${asOf}&city=${city}: ${response.status}`);
      check(html.includes("Viewing the register as of"), `GET /customers?asOf=${asOf}: no "viewing the past" banner`);
    };
    const latencies = (op: () => Promise<void>, concurrency: number) => async (phase: Phase): Promise<LatencySummary> => {
      const run = await runLoad({ durationMs: phase === "warmup" ? ctx.config.warmupMs : ctx.config.repMs, concurrency, op: async () => op() });
      return latencySummary(run.latenciesMs);
    };
    const samples = await interleave(
      {
        limit: latencies(async () => {
          const rows = await ctx.raw.query(AS_OF_SQL, [r.pick(at), r.pick(CITIES)]);
          check(rows.length > 0, "baseline as-of page: no rows");
        }, LIST_CONCURRENCY),
        "c=1": latencies(pastPage, 1),
        [`c=${LIST_CONCURRENCY}`]: latencies(pastPage, LIST_CONCURRENCY),
      },
      ctx.config.reps,
    );
    for (const name of ["c=1", `c=${LIST_CONCURRENCY}`]) {
      ctx.report({
        scenario: "as-of-list",
        case: `GET /customers?asOf=…&city=…, ${name}`,
        metric: "p95 latency",
        unit: "ms",
        better: "lower",
        values: samples[name].map((s) => s.p95),
        limit: samples.limit.map((s) => s.p95),
        limitLabel: `the page's rows from customer_history by raw SQL, c=${LIST_CONCURRENCY}`,
        goal: { on: "value", op: "<", target: 150, text: "p95 < 150 ms" },
        detail: `p50 ${median(samples[name].map((s) => s.p50)).toFixed(1)} ms; ${samples[name].reduce((n, s) => n + s.count, 0)} requests; ${customers.toLocaleString("en-US")} customers; 3 moments`,
        extra: { samples: samples[name], limitSamples: samples.limit, moments: at },
      });
    }
  },
};

export const verifyList: Scenario = {
  id: "verify-list",
  title: "drift check of customer_list (npm run projections -- verify customer_list), list-page's customer count",
  postgresOnly: true,
  async prepare(ctx) {
    await ensureReadTables(ctx);
  },
  async run(ctx) {
    const { customers } = await ensureReadTables(ctx);
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < ctx.config.reps; i++) {
      const t0 = performance.now();
      const report = await verifyProjection(ctx.database.db, ctx.store.codec, customerListProjection);
      times.push((performance.now() - t0) / 1000);
      check(report.mismatchCount === 0, `verify customer_list: ${report.mismatchCount} mismatches on untouched tables`);
      rows = report.tables.reduce((n, t) => n + t.compared, 0);
    }
    ctx.report({
      scenario: "verify-list",
      case: "verify customer_list, every row",
      metric: "time",
      unit: "s",
      better: "lower",
      values: times,
      detail: `${rows.toLocaleString("en-US")} rows compared; ${customers.toLocaleString("en-US")} customers; ${Math.round(rows / median(times)).toLocaleString("en-US")} rows/s`,
    });
  },
};

export const csvExport: Scenario = {
  id: "csv-export",
  title: "GET /api/customers/export (every row, streamed) through next start: rows/s and the app's peak RSS",
  postgresOnly: true,
  async prepare(ctx) {
    ensureBuild(ctx);
    await ensureReadTables(ctx);
    await appServer(ctx);
  },
  async run(ctx) {
    const { customers } = await ensureReadTables(ctx);
    const server = await appServer(ctx);
    const rates: number[] = [];
    const peaks: number[] = [];
    const growth: number[] = [];
    for (let i = 0; i < ctx.config.reps + 1; i++) {
      const before = treeRssMb(server.pid);
      let peak = before;
      const timer = setInterval(() => (peak = Math.max(peak, treeRssMb(server.pid))), SAMPLE_MS);
      const t0 = performance.now();
      let lines = 0;
      try {
        const response = await fetch(`${server.baseUrl}/api/customers/export`, { headers: server.headers });
        check(response.status === 200 && response.body, `GET /api/customers/export: ${response.status}`);
        const decoder = new TextDecoder();
        // Count rows without holding the body: the client side stays flat too.
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          const text = decoder.decode(chunk, { stream: true });
          for (let k = text.indexOf("\n"); k !== -1; k = text.indexOf("\n", k + 1)) lines++;
        }
      } finally {
        clearInterval(timer);
      }
      const seconds = (performance.now() - t0) / 1000;
      peak = Math.max(peak, treeRssMb(server.pid));
      const rows = lines - 1; // the header line
      check(rows === customers, `export: ${rows} rows for ${customers} customers`);
      if (i === 0) continue; // warm-up
      rates.push(rows / seconds);
      peaks.push(peak);
      growth.push(peak - before);
    }
    const base = { scenario: "csv-export", detail: `${customers.toLocaleString("en-US")} rows per export; RSS sampled every ${SAMPLE_MS} ms` };
    ctx.report({ ...base, case: "export every row", metric: "throughput", unit: "rows/s", better: "higher", values: rates });
    ctx.report({ ...base, case: "export every row, app peak RSS", metric: "peak RSS", unit: "MB", better: "lower", values: peaks });
    ctx.report({
      ...base,
      case: "export every row, app RSS growth during the export (flat memory)",
      metric: "RSS growth",
      unit: "MB",
      better: "lower",
      values: growth,
    });
  },
};
