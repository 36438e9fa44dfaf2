import { appServer, ensureBuild } from "../lib/app-server";
import { check, type Scenario } from "../lib/context";
import { CITIES, rng, SEARCH_TERMS } from "../lib/data";
import { interleave, runLoad, type Phase } from "../lib/measure";
import { ensureReadTables } from "../lib/read-tables";
import { latencySummary, median, type LatencySummary } from "../lib/stats";

/** Concurrent clients: a few admins at once on a 2-core machine. */
export const LIST_CONCURRENCY = 4;
const PAGE = 20;

/** Baseline SQL: the rows each request shows, straight from the read tables. */
const CITY_SQL = `select * from customer_list where city_key = lower($1) order by name, id limit ${PAGE + 1}`;
/** Search: the query listCustomers runs for `q` (both predicates on customer_search, migration 0005). */
const SEARCH_SQL = `select cl.* from customer_search s join customer_list cl on cl.id = s.id
  where s.name ilike $1 or s.document @@ to_tsquery('simple', $2)
  order by s.name, s.id limit ${PAGE + 1}`;

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * The customer list through the running Next.js server (production build, `next start`) with at
 * least 100,000 customers in the read tables: the server-rendered page filtered by city, and the
 * JSON API searching by name. Baseline: the same rows read with raw SQL.
 */
export const listPage: Scenario = {
  id: "list-page",
  title: "GET /customers?city=… and GET /api/customers?q=… through next start, 100,000 customers",
  postgresOnly: true,
  async prepare(ctx) {
    ensureBuild(ctx);
    await ensureReadTables(ctx);
    await appServer(ctx);
  },
  async run(ctx) {
    const { customers } = await ensureReadTables(ctx);
    const server = await appServer(ctx);
    const r = rng(12);

    // What each request must show: the first customer by name in the city, and only matches.
    const firstInCity = new Map<string, string>();
    for (const city of CITIES) {
      const [row] = await ctx.raw.query<{ name: string }>(CITY_SQL, [city]);
      check(row, `no customer in ${city}: the read table is not the data set`);
      firstInCity.set(city, row.name);
    }
    const cityPage = async () => {
      const city = r.pick(CITIES);
      const response = await fetch(`${server.baseUrl}/customers?city=${encodeURIComponent(city)}`, { headers: server.headers });
      const html = await response.text();
      check(response.status === 200, `GET /customers?city=${city}: ${response.status}`);
      check(html.includes(escapeHtml(firstInCity.get(city)!)), `GET /customers?city=${city} does not show ${firstInCity.get(city)}, the first customer there`);
    };
    const searchApi = async () => {
      const term = r.pick(SEARCH_TERMS);
      const response = await fetch(`${server.baseUrl}/api/customers?q=${encodeURIComponent(term)}`, { headers: server.headers });
      check(response.status === 200, `GET /api/customers?q=${term}: ${response.status}`);
      const body = (await response.json()) as { items: { name: string }[]; nextCursor: string | null };
      check(
        body.items.length === PAGE && body.nextCursor && body.items.every((i) => i.name.toLowerCase().includes(term.toLowerCase())),
        `GET /api/customers?q=${term}: ${body.items.length} items, not a full page of matches`,
      );
    };
    const latencies = (op: () => Promise<void>, concurrency: number) => async (phase: Phase): Promise<LatencySummary> => {
      const run = await runLoad({ durationMs: phase === "warmup" ? ctx.config.warmupMs : ctx.config.repMs, concurrency, op: async () => op() });
      return latencySummary(run.latenciesMs);
    };
    // One user at a time shows the latency of a request; four at once, what queueing on this
    // 2-core machine (shared with PostgreSQL) adds. The baselines run at four.
    const samples = await interleave(
      {
        "limit city": latencies(async () => {
          const rows = await ctx.raw.query(CITY_SQL, [r.pick(CITIES)]);
          check(rows.length === PAGE + 1, `baseline city page: ${rows.length} rows`);
        }, LIST_CONCURRENCY),
        "city c=1": latencies(cityPage, 1),
        city: latencies(cityPage, LIST_CONCURRENCY),
        "limit search": latencies(async () => {
          const term = r.pick(SEARCH_TERMS);
          const rows = await ctx.raw.query(SEARCH_SQL, [`%${term}%`, `${term.toLowerCase()}:*`]);
          check(rows.length === PAGE + 1, `baseline search: ${rows.length} rows`);
        }, LIST_CONCURRENCY),
        "search c=1": latencies(searchApi, 1),
        search: latencies(searchApi, LIST_CONCURRENCY),
      },
      ctx.config.reps,
    );
    const detail = (name: string) =>
      `p50 ${median(samples[name].map((s) => s.p50)).toFixed(1)} ms; ${samples[name].reduce((n, s) => n + s.count, 0)} requests; ${customers.toLocaleString("en-US")} customers`;
    const goal = { on: "value", op: "<", target: 100, text: "p95 < 100 ms" } as const;
    for (const [name, label, limit] of [
      ["city c=1", "GET /customers?city=…, c=1", "limit city"],
      ["city", `GET /customers?city=…, c=${LIST_CONCURRENCY}`, "limit city"],
      ["search c=1", "GET /api/customers?q=…, c=1", "limit search"],
      ["search", `GET /api/customers?q=…, c=${LIST_CONCURRENCY}`, "limit search"],
    ] as const) {
      ctx.report({
        scenario: "list-page",
        case: label,
        metric: "p95 latency",
        unit: "ms",
        better: "lower",
        values: samples[name].map((s) => s.p95),
        limit: samples[limit].map((s) => s.p95),
        limitLabel: `the page's rows by raw SQL, c=${LIST_CONCURRENCY}`,
        goal,
        detail: detail(name),
        extra: { samples: samples[name], limitSamples: samples[limit] },
      });
    }
  },
};
