// `npm test`: every test. First the node:test suites (unit, integration on PGlite and
// PostgreSQL, concurrency on PostgreSQL), then the browser tests (scripts/e2e.mjs).
// SKIP_E2E=1 runs only the first part. Ends with one plain "N passed, N failed" line.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const roots = ["lib", "db", "scripts", "services"];
const files = [];
const walk = (dir) => {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (/\.test\.ts$/.test(entry.name)) files.push(full);
  }
};
roots.forEach(walk);
files.sort();

const only = process.argv.slice(2);
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;

/** Run node with args, echoing its output; resolve with the exit code and the output's tail. */
function run(args, extraEnv = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...extraEnv },
    });
    let tail = "";
    child.stdout.on("data", (chunk) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-8000);
    });
    child.on("exit", (code) => resolve({ code: code ?? 1, tail }));
  });
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

// Files whose tests hold the app to a deadline (a restart serves within 10 s, a lock holder is
// never starved) run alone after the others, so that a neighbour test file does not share the
// two cores with them.
const solo = ["scripts/embedded-server.test.ts", "db/embedded-lock.test.ts", "scripts/pg-restart.pg.test.ts"];
const isSolo = (file) => solo.some((s) => file.endsWith(s));
const passes = [
  { files: selected.filter((f) => !isSolo(f)), concurrency: process.env.TEST_CONCURRENCY ?? 2 },
  { files: selected.filter(isSolo), concurrency: 1 },
].filter((p) => p.files.length);

if (!passes.length) {
  console.error("no *.test.ts files found");
  exitCode = 1;
}
let executed = 0;
for (const { files: batch, concurrency } of passes) {
  console.log(`node:test — ${batch.length} files, ${concurrency} at a time`);
  const { code, tail } = await run(
    ["--import", "tsx", "--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...batch],
    { NODE_ENV: "test" },
  );
  const count = (label) => Number(new RegExp(`ℹ ${label} (\\d+)`).exec(tail)?.[1] ?? 0);
  totals.passed += count("pass");
  totals.failed += count("fail") + count("cancelled");
  totals.skipped += count("skipped") + count("todo");
  executed += count("tests");
  if (code !== 0) exitCode = 1;
}
if (passes.length && executed === 0) {
  console.error("node:test executed no test");
  exitCode = 1;
}

if (process.env.SKIP_E2E !== "1" && !only.length) {
  const reportDir = "test-results";
  fs.mkdirSync(reportDir, { recursive: true });
  const e2e = await run(["scripts/e2e.mjs"]);
  const match = /browser: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(e2e.tail);
  if (match) {
    totals.passed += Number(match[1]);
    totals.failed += Number(match[2]);
    totals.skipped += Number(match[3]);
  } else {
    totals.failed += 1;
  }
  if (e2e.code !== 0) exitCode = 1;
}

console.log(`\ntotal: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode);
