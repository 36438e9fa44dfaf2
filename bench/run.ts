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
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { createEventStore } from "@/lib/eventstore";
import { eventRegistry, ledgerStore } from "@/lib/commands/event-registry";
import { DataSetError, type BenchContext, type Row, type Scenario } from "./lib/context";
import { countRows } from "./lib/data";
import { createBareTable } from "./lib/bare";
import { ensurePeers } from "./lib/peers";
import { stopAppServer } from "./lib/app-server";
import { runScale } from "./lib/scale";
import { openPglite, openPostgres } from "./lib/targets";
import { createLimitTable } from "./lib/limits";
import { configFor, gitCommit } from "./lib/config";
import { measureOthersCpu, waitForAutovacuum } from "./lib/others-cpu";
import { renderTable, summarize } from "./lib/report";
import { WaitSampler } from "./lib/waits";
import { scenarios } from "./scenarios";


const argsSchema = z.object({
  pglite: z.boolean().default(false),
  quick: z.boolean().default(false),
  keep: z.boolean().default(false),
  strict: z.boolean().default(false),
  waits: z.boolean().default(false),
  peers: z.boolean().default(false),
  scale: z.boolean().default(false),
  "size-factor": z.coerce.number().int().min(1).max(100).default(1),
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
  --peers           also measure Emmett's PostgreSQL store (installed into .bench-peers/ on first use)
  --scale           run the key scenarios at 1× and 10× the data (1,000,000 events) and compare
  --size-factor N   multiply the data sets by N (what --scale uses)
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
        peers: { type: "boolean" },
        scale: { type: "boolean" },
        "size-factor": { type: "string" },
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

async function main() {
  const args = parseCli();
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const kind = args.pglite ? "pglite" : "postgres";
  // PGlite has one connection: concurrent appends would only queue behind each other.
  if (args.scale) return runScale(process.argv.slice(2).filter((a) => a !== "--scale"));
  const base = configFor(args.quick, args.peers && !args.pglite);
  const f = args["size-factor"];
  const config = {
    ...base,
    catchUpEvents: base.catchUpEvents * f,
    listCustomers: base.listCustomers * f,
    streamEvents: base.streamEvents * f,
    ...(args.pglite ? { concurrency: [1] } : {}),
  };
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
    // BENCH_ENCRYPT=1: the app's store, personal fields encrypted (the cost of issue 12's
    // crypto-shredding: compare with a run without it). The key reaches child projectors by env.
    store: benchMasterKey() ? ledgerStore(target.database.db, benchMasterKey()!) : createEventStore(target.database.db, eventRegistry),
    url: target.url,
    raw: target.raw,
    config,
    tmpDir,
    report: (row) => {
      rows.push(row);
      const s = summarize(row);
      const ratio =
        (s.ratio === undefined ? "" : `  ours/limit ${s.ratio.toFixed(2)}`) + (s.bareRatio === undefined ? "" : `  ours/bare ${s.bareRatio.toFixed(2)}`) +
        (s.peerRatio === undefined ? "" : `  ${s.peerRatio.toFixed(1)}× ${row.peer!.name}`);
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
    if (config.peers) ensurePeers(ctx.log);
    await createLimitTable(ctx);
    await createBareTable(ctx);
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
      if (scenario.appends && ctx.shared.appServer) await stopAppServer(ctx);
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
      const vacuumMs = kind === "postgres" ? await waitForAutovacuum(ctx.raw) : 0;
      if (vacuumMs >= 1000) console.log(`  waited ${(vacuumMs / 1000).toFixed(1)} s for autovacuum to finish first`);
      const t0 = Date.now();
      sampler?.start();
      const rowsBefore = rows.length;
      const othersCpu = await measureOthersCpu(ctx.raw);
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
      const othersPct = await othersCpu().catch(() => undefined);
      for (const row of rows.slice(rowsBefore)) row.othersCpuPct = othersPct;
      if (othersPct !== undefined) console.log(`  other processes used ${othersPct.toFixed(0)}% of the machine's CPU meanwhile`);
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
  const suffix = `${kind === "pglite" ? "-pglite" : ""}${config.quick ? "-quick" : ""}${f > 1 ? `-x${f}` : ""}${args.only ? "-partial" : ""}`;
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

/** The master key of an encrypted run (BENCH_ENCRYPT=1), made once and shared with child processes. */
function benchMasterKey(): Buffer | null {
  if (process.env.BENCH_ENCRYPT !== "1") return null;
  process.env.BENCH_MASTER_KEY ??= randomBytes(32).toString("base64");
  return Buffer.from(process.env.BENCH_MASTER_KEY, "base64");
}
