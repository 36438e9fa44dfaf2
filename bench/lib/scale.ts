import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Row } from "./context";
import { summarize } from "./report";
import { formatNumber } from "./stats";

/**
 * `npm run bench -- --scale`: how each key figure changes when the data grows tenfold. Runs the
 * key scenarios twice, each on a fresh database: at the normal sizes (100,000 events and
 * customers, a 10,000-event stream) and at ten times them (1,000,000; a 100,000-event stream).
 * Then prints, per row, the figure at 10× ÷ the figure at 1× (oriented so 1.0 means "as fast").
 */
export const SCALE_SCENARIOS = ["catch-up", "read-all", "list-page", "append-one", "state-at-version"];
const FACTOR = 10;

function runOnce(factor: number, passThrough: string[]): Promise<string> {
  const args = ["--import", "tsx", "bench/run.ts", "--only", SCALE_SCENARIOS.join(","), "--size-factor", String(factor), ...passThrough];
  console.log(`\n# scale ×${factor}: ${args.slice(2).join(" ")}`);
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  let results = "";
  child.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    const match = /^results: (.+)$/m.exec(chunk.toString());
    if (match) results = match[1].trim();
  });
  return new Promise((resolve, reject) =>
    child.on("exit", (code) => (results ? resolve(results) : reject(new Error(`the ×${factor} run exited ${code} without results`)))),
  );
}

const rowsOf = (file: string): Row[] => (JSON.parse(fs.readFileSync(file, "utf8")) as { rows: Row[] }).rows;

/** Run both sizes and print the comparison; returns the exit code. */
export async function runScale(passThrough: string[]): Promise<number> {
  const small = rowsOf(await runOnce(1, passThrough));
  const large = rowsOf(await runOnce(FACTOR, passThrough));
  const lines = [
    `| scenario | case at 1× | median at 1× | case at ${FACTOR}× | median at ${FACTOR}× | ${FACTOR}× ÷ 1× (1.0 = as fast) | others CPU 1× / ${FACTOR}× |`,
    "|---|---|---:|---|---:|---:|---|",
  ];
  for (const scenario of SCALE_SCENARIOS) {
    const a = small.filter((r) => r.scenario === scenario);
    const b = large.filter((r) => r.scenario === scenario);
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const [sa, sb] = [summarize(a[i]), summarize(b[i])];
      const change = a[i].better === "higher" ? sb.median / sa.median : sa.median / sb.median;
      const cpu = `${a[i].othersCpuPct?.toFixed(0) ?? "?"}% / ${b[i].othersCpuPct?.toFixed(0) ?? "?"}%`;
      lines.push(
        `| ${scenario} | ${a[i].case} | ${formatNumber(sa.median)} ${a[i].unit} | ${b[i].case} | ${formatNumber(sb.median)} ${b[i].unit} | ${change.toFixed(2)} | ${cpu} |`,
      );
    }
  }
  const table = lines.join("\n");
  console.log(`\n${table}\n`);
  const file = path.join("bench", "results", `${new Date().toISOString().replace(/:/g, "").replace(/\..*/, "").replace("T", "-")}-scale.md`);
  fs.writeFileSync(file, `${table}\n`);
  console.log(`scale table: ${file}`);
  return 0;
}
