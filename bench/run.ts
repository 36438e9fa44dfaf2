/**
 * `npm run bench`: the benchmark suite. Every figure is measured beside a baseline ("limit")
 * taken in the same run on the same database with the thinnest code, and reported as a ratio
 * to it, because absolute timings on a shared machine drift from run to run.
 *
 *   npm run bench                         fresh database on postgres://postgres@127.0.0.1:5432, dropped at the end
 *   DATABASE_URL=postgres://… npm run bench   an existing, empty database (left in place)
 *   npm run bench -- --pglite             embedded PGlite instead of PostgreSQL
 *   npm run bench -- --only append-one,command --quick
 *
 * Exit status: 0 when every scenario ran on a correct data set (goals may be missed: see the
 * table); 1 when a scenario failed or its data-set check did (or a goal was missed, with --strict).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import postgres from "postgres";
import { z } from "zod";
import { connectPglite, connectPostgres, type Database } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { EventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/eventstore/customer-registry";
import { DataSetError, type BenchConfig, type BenchContext, type RawClient, type Row, type Scenario } from "./lib/context";
import { countRows } from "./lib/data";
import { createLimitTable } from "./lib/limits";
import { renderTable, summarize } from "./lib/report";
import { WaitSampler } from "./lib/waits";
import { scenarios } from "./scenarios";

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const POOL = 16;

const argsSchema = z.object({
  pglite: z.boolean().default(false),
  quick: z.boolean().default(false),
  keep: z.boolean().default(false),
  strict: z.boolean().default(false),
  waits: z.boolean().default(false),
  help: z.boolean().default(false),
  only: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(",").map((x) => x.trim()).filter(Boolean) : undefined))
    .refine((ids) => !ids || ids.every((id) => scenarios.some((s) => s.id === id)), {
      message: `--only takes scenario ids among: ${scenarios.map((s) => s.id).join(", ")}`,
    }),
});

const USAGE = `npm run bench [-- options]
  --only <id,...>   run these scenarios only (${scenarios.map((s) => s.id).join(", ")})
  --quick           short repetitions and small data sets, for development (figures not comparable)
  --pglite          run on embedded PGlite instead of PostgreSQL
  --keep            keep the bench database (and print its URL) for EXPLAIN and friends
  --strict          exit 1 when a goal is missed, not only on errors
  --waits           sample pg_stat_activity during each scenario and print what sessions wait on
Environment: DATABASE_URL (an empty database to use), BENCH_ADMIN_URL (server to create a fresh one on).`;

function parseCli() {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      options: {
        pglite: { type: "boolean" },
        quick: { type: "boolean" },
        keep: { type: "boolean" },
        strict: { type: "boolean" },
        waits: { type: "boolean" },
        help: { type: "boolean", short: "h" },
        only: { type: "string" },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error(parsed.error.issues.map((i) => i.message).join("\n") + "\n\n" + USAGE);
    process.exit(2);
  }
  return parsed.data;
}

function configFor(quick: boolean): BenchConfig {
  return quick
    ? { quick, repMs: 500, warmupMs: 250, reps: 3, catchUpEvents: 10_000, listCustomers: 10_000, streamEvents: 2_000, concurrency: [1, 4, 16] }
    : { quick, repMs: 1_500, warmupMs: 600, reps: 3, catchUpEvents: 100_000, listCustomers: 100_000, streamEvents: 10_000, concurrency: [1, 4, 16] };
}

interface Target {
  database: Database;
  raw: RawClient;
  url?: string;
  describe: string;
  /** Drop or remove what this run created. */
  dispose(keep: boolean): Promise<void>;
}

/** A fresh database on the local server (default), or the empty one DATABASE_URL names. */
async function openPostgres(): Promise<Target> {
  let url = process.env.DATABASE_URL;
  let created: string | undefined;
  if (!url) {
    created = `ledger_bench_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}_${process.pid}`;
    const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`create database ${created}`);
    } catch (error) {
      throw new Error(`cannot create the bench database on ${redact(ADMIN_URL)} (${(error as Error).message}); set DATABASE_URL or BENCH_ADMIN_URL`);
    } finally {
      await admin.end({ timeout: 2 });
    }
    const u = new URL(ADMIN_URL);
    u.pathname = `/${created}`;
    url = u.toString();
  }
  const database = await connectPostgres({ url, max: POOL });
  await migrateDatabase(database, url);
  const sql = postgres(url, { max: POOL, onnotice: () => {} });
  const raw: RawClient = {
    query: async (text, params = []) => [...(await sql.unsafe(text, params as never[], { prepare: true }))] as never,
    close: () => sql.end({ timeout: 5 }),
  };
  return {
    database,
    raw,
    url,
    describe: redact(url),
    async dispose(keep) {
      await raw.close().catch(() => {});
      await database.close().catch(() => {});
      if (!created) return;
      if (keep) {
        console.log(`kept the bench database: ${redact(url!)}`);
        return;
      }
      const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`drop database if exists ${created} with (force)`);
      } finally {
        await admin.end({ timeout: 2 });
      }
    },
  };
}

async function openPglite(tmpDir: string): Promise<Target> {
  const dataDir = path.join(tmpDir, "pglite");
  const database = await connectPglite({ dataDir });
  await migrateDatabase(database);
  const client = (database.db as unknown as { $client: PGlite }).$client;
  const raw: RawClient = {
    query: async (text, params = []) => (await client.query(text, params)).rows as never,
    close: async () => {},
  };
  return {
    database,
    raw,
    describe: `PGlite ${dataDir}`,
    async dispose(keep) {
      await database.close().catch(() => {});
      if (keep) console.log(`kept the bench PGlite directory: ${dataDir}`);
    },
  };
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+)(:[^@/]*)?@/, "//$1@");

function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}

async function main() {
  const args = parseCli();
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const kind = args.pglite ? "pglite" : "postgres";
  // PGlite has one connection: concurrent appends would only queue behind each other.
  const config = { ...configFor(args.quick), ...(args.pglite ? { concurrency: [1] } : {}) };
  const selected: Scenario[] = scenarios.filter((s) => !args.only || args.only.includes(s.id));
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-bench-"));
  const startedAt = new Date();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;

  const target = kind === "pglite" ? await openPglite(tmpDir) : await openPostgres();
  const rows: Row[] = [];
  const failures: { scenario: string; message: string }[] = [];
  const timings: Record<string, number> = {};
  const waits: Record<string, { what: string; sessions: number }[]> = {};
  const sampler = args.waits && target.url ? new WaitSampler(target.url, new URL(target.url).pathname.slice(1)) : undefined;
  const ctx: BenchContext = {
    kind,
    database: target.database,
    store: new EventStore(target.database.db, eventRegistry),
    url: target.url,
    raw: target.raw,
    config,
    tmpDir,
    report: (row) => {
      rows.push(row);
      const s = summarize(row);
      const ratio = s.ratio === undefined ? "" : `  ours/limit ${s.ratio.toFixed(2)}`;
      const verdict = row.goal ? `  [${s.pass ? "pass" : "MISS"} ${row.goal.text}]` : "";
      console.log(`  ${row.case} · ${row.metric}: ${s.median.toFixed(2)} ${row.unit}${ratio}${verdict}`);
    },
    log: (message) => console.log(`  ${message}`),
    shared: {},
  };

  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.error("\ninterrupted: cleaning up (Ctrl-C again to leave everything behind)");
    void cleanup().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let cleaned = false;
  async function cleanup() {
    if (cleaned) return;
    cleaned = true;
    await sampler?.close().catch(() => {});
    const server = await ctx.shared.appServer?.catch(() => undefined);
    await server?.stop().catch(() => {});
    await target.dispose(args.keep);
    if (!args.keep) fs.rmSync(tmpDir, { recursive: true, force: true });
  }

  let pgVersion = "";
  try {
    const existing = await countRows(ctx, "events");
    if (existing > 0) {
      throw new DataSetError(
        `the bench database already holds ${existing} events; the suite needs an empty one (it builds exactly sized logs). ` +
          `Unset DATABASE_URL to let it create a fresh database.`,
      );
    }
    await createLimitTable(ctx);
    [{ version: pgVersion }] = await ctx.raw.query<{ version: string }>("select version()");
    console.log(`ledger bench on ${target.describe}${config.quick ? " (quick)" : ""}`);
    console.log(`${pgVersion.split(",")[0]} · Node ${process.version} · ${os.cpus().length} CPUs · load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);

    for (const scenario of selected) {
      if (interrupted) break;
      if (scenario.postgresOnly && kind !== "postgres") {
        console.log(`\n## ${scenario.id}: skipped (needs PostgreSQL)`);
        continue;
      }
      console.log(`\n## ${scenario.id}: ${scenario.title}`);
      if (scenario.prepare) {
        // Set-up (a production build, a shared data set) is timed apart from the scenario.
        const t0 = Date.now();
        try {
          await scenario.prepare(ctx);
        } catch (error) {
          const message = error instanceof DataSetError ? `data set check failed: ${error.message}` : `${(error as Error).stack ?? error}`;
          console.error(`!! ${scenario.id} set-up FAILED: ${message}`);
          failures.push({ scenario: scenario.id, message: `set-up: ${message}` });
          continue;
        }
        timings[`${scenario.id} (set-up)`] = Date.now() - t0;
        console.log(`  set-up: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      }
      const t0 = Date.now();
      sampler?.start();
      try {
        await scenario.run(ctx);
      } catch (error) {
        const message =
          error instanceof DataSetError ? `data set check failed: ${error.message}` : `${(error as Error).stack ?? error}`;
        console.error(`!! ${scenario.id} FAILED: ${message}`);
        failures.push({ scenario: scenario.id, message });
      }
      if (sampler) {
        waits[scenario.id] = sampler.stop();
        console.log("  sessions by wait (average count per sample):");
        for (const w of waits[scenario.id]) console.log(`    ${w.sessions.toFixed(2).padStart(6)}  ${w.what}`);
      }
      timings[scenario.id] = Date.now() - t0;
      const secs = timings[scenario.id] / 1000;
      console.log(`  (${secs.toFixed(1)} s)${secs > 60 ? "  !! over the one-minute budget" : ""}`);
    }
  } catch (error) {
    failures.push({ scenario: "setup", message: `${(error as Error).message}` });
    console.error(`!! setup FAILED: ${(error as Error).message}`);
  } finally {
    await cleanup();
  }

  const totalSeconds = (Date.now() - startedAt.getTime()) / 1000;
  const table = renderTable(rows, failures);
  console.log(`\n${table}\n`);
  console.log(`command: ${command} · ${kind} · total ${totalSeconds.toFixed(0)} s · load ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);

  const stamp = startedAt.toISOString().replace(/:/g, "").replace(/\..*/, "").replace("T", "-");
  const suffix = `${kind === "pglite" ? "-pglite" : ""}${config.quick ? "-quick" : ""}${args.only ? "-partial" : ""}`;
  const file = path.join("bench", "results", `${stamp}${suffix}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    JSON.stringify(
      {
        command,
        startedAt: startedAt.toISOString(),
        totalSeconds,
        database: { kind, server: pgVersion },
        environment: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadAvgAtEnd: os.loadavg(), commit: gitCommit() },
        config,
        scenarioSeconds: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, v / 1000])),
        rows: rows.map((row) => ({ ...row, summary: summarize(row) })),
        ...(args.waits ? { waits } : {}),
        table,
        failures,
      },
      null,
      2,
    ),
  );
  console.log(`results: ${file}`);
  const missed = rows.filter((r) => r.goal && !summarize(r).pass).length;
  if (failures.length) console.error(`${failures.length} scenario(s) FAILED: ${failures.map((f) => f.scenario).join(", ")}`);
  if (missed) console.log(`${missed} goal(s) missed`);
  return failures.length || (args.strict && missed) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
