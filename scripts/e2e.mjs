// Browser tests: build the app once, then for each database (a fresh PGlite directory, and a
// fresh PostgreSQL database when the server answers) start `next start`, run the Playwright
// specs against it, stop it. Ends with a plain "N passed, N failed" line.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { chromiumPath, NO_CHROMIUM_MESSAGE } from "./chromium.mjs";
import { nextStartArgs } from "./server-args.mjs";

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
const adminUrl = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const only = process.env.E2E_DATABASES?.split(",") ?? ["pglite", "postgres"];
const extraArgs = process.argv.slice(2);

if (!chromiumPath()) {
  console.error(NO_CHROMIUM_MESSAGE);
  process.exit(1);
}

const build = spawnSync(process.execPath, ["scripts/ensure-build.mjs"], { stdio: "inherit", env });
if (build.status !== 0) process.exit(build.status ?? 1);

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });

async function postgresUp() {
  const sql = postgres(adminUrl, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

async function waitForServer(url, child, ms = 90_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server at ${url} did not answer within ${ms} ms`);
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;
// The poison hook of e2e/parked.spec.ts (lib/projections/test-poison.ts): the server and the
// tests share this file's path; the spec writes a customer's name into it and deletes it.
const hooks = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-e2e-hooks-"));
process.on("exit", () => fs.rmSync(hooks, { recursive: true, force: true }));

for (const kind of only) {
  const runEnv = {
    ...env,
    SEED_DEMO: "1",
    E2E_DB: kind,
    LEDGER_TEST_POISON_FILE: path.join(hooks, `poison-${kind}`),
    // The first admin, made at start; the browser tests sign in as it (e2e/auth.setup.ts).
    LEDGER_ADMIN_EMAIL: "e2e-admin@example.com",
    LEDGER_ADMIN_PASSWORD: "e2e admin password",
    BETTER_AUTH_SECRET: env.BETTER_AUTH_SECRET ?? "e2e-only-secret-0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c",
  };
  let cleanup = async () => {};
  if (kind === "postgres") {
    if (!(await postgresUp())) {
      console.warn(`\n!!! SKIPPED e2e on PostgreSQL: no server at ${adminUrl}\n`);
      continue;
    }
    const name = `ledger_e2e_${Date.now()}`;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    runEnv.DATABASE_URL = url.toString();
    cleanup = async () => {
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
      await dropper.end();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-e2e-"));
    runEnv.PGLITE_DIR = path.join(dir, "db");
    delete runEnv.DATABASE_URL;
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  console.log(`\n=== e2e on ${kind} at ${baseUrl} ===`);
  const server = spawn(process.execPath, nextStartArgs(port, "127.0.0.1"), {
    env: runEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logPath = path.join("test-results", `server-${kind}.log`);
  fs.mkdirSync("test-results", { recursive: true });
  const log = fs.createWriteStream(logPath);
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  const report = path.join("test-results", `e2e-${kind}.json`);
  try {
    await waitForServer(`${baseUrl}/`, server);
    const result = spawnSync(process.execPath, ["node_modules/@playwright/test/cli.js", "test", ...extraArgs], {
      stdio: "inherit",
      env: { ...runEnv, BASE_URL: baseUrl, E2E_JSON_REPORT: report },
    });
    if (result.status !== 0) exitCode = 1;
    if (fs.existsSync(report)) {
      const stats = JSON.parse(fs.readFileSync(report, "utf8")).stats ?? {};
      totals.passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
      totals.failed += stats.unexpected ?? 0;
      totals.skipped += stats.skipped ?? 0;
    } else {
      exitCode = 1;
      totals.failed += 1;
    }
  } catch (error) {
    console.error(`e2e on ${kind} failed to run: ${error.message} (server log: ${logPath})`);
    exitCode = 1;
    totals.failed += 1;
  } finally {
    server.kill("SIGTERM");
    await new Promise((r) => (server.exitCode !== null ? r() : server.once("exit", r)));
    await cleanup();
  }
}

console.log(`\nbrowser: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode);
