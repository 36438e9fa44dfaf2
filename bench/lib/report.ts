import type { Goal, Row } from "./context";
import { formatNumber, max, median, min } from "./stats";

export interface RowSummary {
  median: number;
  min: number;
  max: number;
  limitMedian?: number;
  /** Ours as a fraction of the limit's speed (higher is better), median of the paired repetitions. */
  ratio?: number;
  /** Ours as a fraction of the bare limit's speed. */
  bareRatio?: number;
  /** Ours ÷ the peer store (how many times faster; higher is better). */
  peerRatio?: number;
  pass?: boolean;
}

/** Ours ÷ baseline per repetition, oriented so that 1.0 means "as fast as the baseline". */
function ratios(row: Row, baseline: number[] | undefined): number[] {
  if (!baseline?.length) return [];
  const paired = baseline.length === row.values.length;
  const limits = paired ? baseline : row.values.map(() => median(baseline));
  return row.values.map((v, i) => (row.better === "higher" ? v / limits[i] : limits[i] / v));
}

function meets(goal: Goal, value: number | undefined): boolean {
  if (value === undefined || !Number.isFinite(value)) return false;
  if (goal.op === ">=") return value >= goal.target;
  if (goal.op === "<=") return value <= goal.target;
  return value < goal.target;
}

export function summarize(row: Row): RowSummary {
  const r = ratios(row, row.limit);
  const bare = ratios(row, row.bare);
  const summary: RowSummary = { median: median(row.values), min: min(row.values), max: max(row.values) };
  if (row.limit?.length) summary.limitMedian = median(row.limit);
  if (r.length) summary.ratio = median(r);
  if (bare.length) summary.bareRatio = median(bare);
  if (row.peer?.values.length) {
    const peer = median(row.peer.values);
    summary.peerRatio = row.better === "higher" ? summary.median / peer : peer / summary.median;
  }
  const measured = { ratio: summary.ratio, bare: summary.bareRatio, value: summary.median };
  if (row.goal) summary.pass = !row.invalid && meets(row.goal, measured[row.goal.on]);
  return summary;
}

const escape = (s: string) => s.replace(/\|/g, "\\|");

/** The results as a Markdown table (printed, and pasted into the README as is). */
export function renderTable(rows: Row[], failures: { scenario: string; message: string }[]): string {
  const header = ["scenario", "case", "metric", "median", "min–max", "limit", "ours/limit", "ours/bare", "ours/peer", "goal", "result", "others CPU", "detail"];
  const numeric = ["median", "min–max", "limit", "ours/limit", "ours/bare", "ours/peer", "others CPU"];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map((h) => (numeric.includes(h) ? "---:" : "---")).join("|")}|`];
  for (const row of rows) {
    const s = summarize(row);
    const cells = [
      row.scenario,
      row.case,
      `${row.metric} (${row.unit})`,
      formatNumber(s.median),
      `${formatNumber(s.min)}–${formatNumber(s.max)}`,
      s.limitMedian === undefined ? "" : formatNumber(s.limitMedian),
      s.ratio === undefined ? "" : s.ratio.toFixed(2),
      s.bareRatio === undefined ? "" : s.bareRatio.toFixed(2),
      s.peerRatio === undefined ? "" : `${s.peerRatio.toFixed(1)}× ${row.peer!.name}`,
      row.goal?.text ?? "",
      row.goal ? (s.pass ? "pass" : "**miss**") : "",
      row.othersCpuPct === undefined ? "" : `${row.othersCpuPct.toFixed(0)}%`,
      [row.invalid ? `NOT VALID: ${row.invalid}` : "", row.detail ?? ""].filter(Boolean).join("; "),
    ];
    lines.push(`| ${cells.map((c) => escape(c)).join(" | ")} |`);
  }
  for (const f of failures) {
    lines.push(`| ${f.scenario} | **FAILED** | | | | | | | | | **error** | | ${escape(f.message.split("\n")[0])} |`);
  }
  return lines.join("\n");
}
