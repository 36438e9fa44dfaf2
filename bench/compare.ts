/**
 * `npm run bench:compare -- <a.json> <b.json>`: which figures moved between two runs (same commit,
 * ideally), row by row: each median, the ratio to its limit in each run, and whether the figure
 * or its ratio moved by more than the threshold (default 10 %). Prints a Markdown table.
 */
import fs from "node:fs";
import { parseArgs } from "node:util";
import type { Row } from "./lib/context";
import { summarize } from "./lib/report";
import { formatNumber } from "./lib/stats";

const { positionals, values } = parseArgs({ allowPositionals: true, options: { threshold: { type: "string", default: "0.10" } } });
if (positionals.length !== 2) {
  console.error("usage: npm run bench:compare -- <a.json> <b.json> [--threshold 0.10]");
  process.exit(2);
}
const threshold = Number(values.threshold);
const load = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as { rows: Row[]; environment?: { commit?: string } };
const [a, b] = positionals.map(load);
const key = (row: Row) => `${row.scenario} · ${row.case}`;
const inB = new Map(b.rows.map((row) => [key(row), row]));

const moved = (x: number | undefined, y: number | undefined) => x !== undefined && y !== undefined && Math.abs(y / x - 1) > threshold;
const lines = [
  `Runs: ${positionals[0]} (commit ${a.environment?.commit ?? "?"}) and ${positionals[1]} (commit ${b.environment?.commit ?? "?"}); moved = more than ${(threshold * 100).toFixed(0)} %.`,
  "",
  "| scenario · case | median A | median B | ours/limit A | ours/limit B | others CPU A / B | moved |",
  "|---|---:|---:|---:|---:|---|---|",
];
let count = 0;
for (const rowA of a.rows) {
  const rowB = inB.get(key(rowA));
  if (!rowB) continue;
  const [sa, sb] = [summarize(rowA), summarize(rowB)];
  const figure = moved(sa.median, sb.median);
  const ratio = moved(sa.ratio, sb.ratio);
  if (figure || ratio) count++;
  const verdict = figure && ratio ? "figure and ratio" : figure ? "figure only" : ratio ? "ratio only" : "";
  const cpu = `${rowA.othersCpuPct?.toFixed(0) ?? "?"}% / ${rowB.othersCpuPct?.toFixed(0) ?? "?"}%`;
  lines.push(
    `| ${key(rowA)} | ${formatNumber(sa.median)} | ${formatNumber(sb.median)} | ${sa.ratio?.toFixed(2) ?? ""} | ${sb.ratio?.toFixed(2) ?? ""} | ${cpu} | ${verdict} |`,
  );
}
lines.push("", `${count} of ${a.rows.length} rows moved.`);
console.log(lines.join("\n"));
