// `npm run projections -- status` | `npm run projections -- rebuild <name>` |
// `npm run projections -- verify <name> [--sample N] [--repair] [--json]`
//
// Works against DATABASE_URL, or else the app's embedded PGlite directory (PGLITE_DIR or
// ./.data/pglite), which only one process may open: while the app runs on it, use the app
// instead (the /projections page, or POST /api/projections/<name>/rebuild).
import { defaultPgliteDir } from "@/db/client";
import { createLedger, databaseSourceFromEnv, type Ledger } from "@/lib/server/ledger";
import { projections } from "@/lib/projections";
import { startProjections, type ProjectionStatus } from "@/lib/projections/runtime";
import { readStatuses } from "@/lib/projections/status";
import { verifyProjection, type Mismatch, type VerifyReport } from "@/lib/projections/verify";

const usage = `Usage:
  npm run projections -- status [--json]
  npm run projections -- rebuild <name>
  npm run projections -- verify <name> [--sample N] [--repair] [--json]
      recompute the read tables from the log and compare them with the stored ones (exit 1 on drift);
      --sample N: only N random streams; --repair: rewrite exactly the rows that differ

Projections: ${projections.map((p) => p.name).join(", ")}`;

const [command, ...rest] = process.argv.slice(2);
if (command !== "status" && command !== "rebuild" && command !== "verify") {
  console.error(usage);
  process.exit(command === undefined || command === "--help" || command === "help" ? 0 : 2);
}
const name = command === "rebuild" || command === "verify" ? rest[0] : undefined;
if ((command === "rebuild" || command === "verify") && (!name || !projections.some((p) => p.name === name))) {
  console.error(name ? `No projection named ${JSON.stringify(name)}.\n\n${usage}` : usage);
  process.exit(2);
}

let ledger: Ledger;
try {
  ledger = await createLedger(databaseSourceFromEnv(), { identity: false });
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  if (/ is in use by /.test(message)) {
    console.error(
      `${message}\n\nThe app is probably running on ${defaultPgliteDir()}. Use it instead: ` +
        `the /projections page, or POST /api/projections/${name ?? "<name>"}/rebuild (progress in GET /api/projections).`,
    );
  } else {
    console.error(`Cannot open the database: ${message}`);
  }
  process.exit(1);
}
const { database, store } = ledger;

/** `--sample N`: a positive whole number, or a usage error. */
function sampleOption(): number | undefined {
  const at = rest.indexOf("--sample");
  if (at < 0) return undefined;
  const n = Number(rest[at + 1]);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--sample needs a whole number of streams, at least 1 (got ${JSON.stringify(rest[at + 1] ?? "")}).\n\n${usage}`);
    process.exit(2);
  }
  return n;
}

/** The columns that differ between a stored and a recomputed row, as `column: stored → recomputed`. */
function differences(m: Mismatch): string {
  if (!m.stored) return "missing from the stored table";
  if (!m.recomputed) return "stored, but the log gives no such row";
  const columns = [...new Set([...Object.keys(m.stored), ...Object.keys(m.recomputed)])];
  return columns
    .filter((c) => JSON.stringify(m.stored![c]) !== JSON.stringify(m.recomputed![c]))
    .map((c) => `${c}: ${JSON.stringify(m.stored![c])} → ${JSON.stringify(m.recomputed![c])}`)
    .join("; ");
}

function printReport(report: VerifyReport) {
  const scope = report.sampledStreams === null ? "every row" : `${fmt(report.sampledStreams)} sampled stream(s)`;
  for (const t of report.tables) console.log(`${t.table}: ${t.skipped ? `skipped (${t.skipped})` : `${fmt(t.compared)} rows compared`}`);
  console.log(
    `${report.projection}: ${scope} at position ${fmt(report.position)}, ${fmt(report.events)} events replayed in ${(report.durationMs / 1000).toFixed(2)} s: ` +
      (report.mismatchCount ? `${fmt(report.mismatchCount)} mismatch(es)` : "no drift") +
      (report.repaired ? `, ${fmt(report.repaired)} row(s) repaired` : ""),
  );
  for (const m of report.mismatches) {
    console.log(`  ${m.table} ${JSON.stringify(m.key)} ${m.streamId ?? "(no stream)"} @${m.position ?? "-"}: ${differences(m)}`);
  }
  if (report.mismatches.length < report.mismatchCount) console.log(`  … and ${fmt(report.mismatchCount - report.mismatches.length)} more`);
}

const fmt = (n: number) => n.toLocaleString("en-US");

function printStatus(statuses: ProjectionStatus[]) {
  const rows = statuses.map((s) => [
    s.name,
    s.status + (s.rebuild ? ` ${Math.floor((100 * s.rebuild.processed) / Math.max(1, s.rebuild.total))}%` : ""),
    fmt(s.position),
    fmt(s.headPosition),
    fmt(s.lag) + (s.lag >= 100_000 ? "+" : ""),
    `${s.lagSeconds.toFixed(1)} s`,
    s.runners === undefined ? "-" : String(s.runners),
    s.worker ?? "",
  ]);
  const header = ["projection", "status", "position", "head", "lag", "lag time", "runners", "last worker"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  for (const s of statuses) {
    if (s.error) console.log(`\n${s.name} failed at event #${s.errorPosition ?? "?"} (${s.failures ?? 1} attempts): ${s.error}`);
  }
}

function bar(processed: number, total: number, width = 30) {
  const ratio = total > 0 ? Math.min(1, processed / total) : 1;
  const filled = Math.round(ratio * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%`;
}

try {
  if (command === "verify") {
    const projection = projections.find((p) => p.name === name)!;
    const report = await verifyProjection(database.db, store.codec, projection, { sample: sampleOption(), repair: rest.includes("--repair") });
    if (rest.includes("--json")) console.log(JSON.stringify(report, null, 2));
    else printReport(report);
    process.exitCode = report.mismatchCount > report.repaired ? 1 : 0;
  } else if (command === "status") {
    const statuses = await readStatuses(database.db, projections, { localRunner: false });
    if (rest.includes("--json")) console.log(JSON.stringify(statuses, null, 2));
    else {
      printStatus(statuses);
      if (database.kind === "pglite") console.log("\n(embedded database: its projectors run inside the app, which is not running now)");
    }
  } else {
    // This process helps: on PostgreSQL beside any workers or app (the locks share the work out),
    // on PGlite alone.
    const runtime = await startProjections(database, store, {
      inProcess: true,
      runner: { log: { log: () => {}, warn: console.warn, error: console.error } },
    });
    const started = Date.now();
    await runtime.rebuild(name!);
    const tty = process.stdout.isTTY;
    let lastLine = "";
    let lastPrinted = 0;
    let reported = "";
    for (;;) {
      const status = (await runtime.status()).find((s) => s.name === name)!;
      if (!status.rebuild) break;
      const { processed, total } = status.rebuild;
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round(processed / seconds) : 0;
      const text = `${name} ${bar(processed, total)} ${fmt(processed)}/${fmt(total)} events  ${fmt(rate)} ev/s`;
      if (status.status === "failed" && status.error !== reported) {
        reported = status.error ?? "";
        process.stdout.write(`${tty ? "\n" : ""}failed at event #${status.errorPosition ?? "?"}: ${status.error} (retrying; Ctrl-C to stop)\n`);
      }
      if (tty) process.stdout.write(`\r${text.padEnd(lastLine.length)}`);
      else if (Date.now() - lastPrinted > 1000) {
        console.log(text);
        lastPrinted = Date.now();
      }
      lastLine = text;
      await new Promise((r) => setTimeout(r, 200));
    }
    const status = (await runtime.status()).find((s) => s.name === name)!;
    if (tty) process.stdout.write(`\r${`${name} ${bar(1, 1)} done`.padEnd(lastLine.length)}\n`);
    console.log(
      `${name} rebuilt and swapped in after ${((Date.now() - started) / 1000).toFixed(1)} s: position ${fmt(status.position)}, ${fmt(status.eventsApplied)} events read.`,
    );
    await runtime.stop();
  }
} finally {
  await database.close();
}
