/**
 * `npm run worker` (scripts/worker-start.mjs) runs the worker with the app's heap cap
 * (LEDGER_HEAP_MB), passes its exit code on, and refuses a malformed cap in words.
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Preloaded into every node process of a run: prints the heap cap each process starts with.
const preload = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "worker-start-")), "print-cap.cjs");
fs.writeFileSync(preload, `console.error("heap cap: " + (process.execArgv.find((a) => a.startsWith("--max-old-space-size")) || "none"));\n`);

const run = (env: Record<string, string | undefined>) => {
  const merged = Object.fromEntries(Object.entries({ ...process.env, ...env }).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
  return spawnSync("npm", ["run", "--silent", "worker"], { env: merged, encoding: "utf8", timeout: 60_000 });
};

describe("npm run worker", () => {
  it("refuses a malformed LEDGER_HEAP_MB with exit 2 and says what it must be", () => {
    const result = run({ LEDGER_HEAP_MB: "lots", DATABASE_URL: undefined });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /LEDGER_HEAP_MB must be a whole number of megabytes/);
  });

  it("starts the worker under LEDGER_HEAP_MB's cap (0: none) and passes its exit code and message on", () => {
    // Without DATABASE_URL the worker itself refuses to start: proof that it ran.
    const capped = run({ LEDGER_HEAP_MB: "300", DATABASE_URL: undefined, NODE_OPTIONS: `--require ${preload}` });
    assert.equal(capped.status, 2); // the worker's own exit code for a missing DATABASE_URL
    assert.match(capped.stderr, /npm run worker needs DATABASE_URL/);
    assert.match(capped.stderr, /heap cap: --max-old-space-size=300\n/);
    const uncapped = run({ LEDGER_HEAP_MB: "0", DATABASE_URL: undefined, NODE_OPTIONS: `--require ${preload}` });
    assert.doesNotMatch(uncapped.stderr, /heap cap: --max/);
    assert.match(uncapped.stderr, /npm run worker needs DATABASE_URL/);
  });
});
