import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createLedger } from "@/lib/server/ledger";
import { nextStartArgs } from "../../scripts/server-args.mjs";
import type { AppServer, BenchContext } from "./context";

/** The bench's own build output, so that it never fights another build over `.next`. */
export const DIST_DIR = ".next-bench";
const PORTS = [3400, 3499] as const;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  const start = PORTS[0] + Math.floor(Math.random() * (PORTS[1] - PORTS[0]));
  for (let i = 0; i <= PORTS[1] - PORTS[0]; i++) {
    const port = PORTS[0] + ((start - PORTS[0] + i) % (PORTS[1] - PORTS[0] + 1));
    if (await portFree(port)) return port;
  }
  throw new Error(`no free port in ${PORTS[0]}–${PORTS[1]}`);
}

/** The PIDs of a process and all its descendants (Linux /proc). */
function processTree(pid: number): number[] {
  const out = [pid];
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const children = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      for (const child of children ? children.split(/\s+/).map(Number) : []) out.push(...processTree(child));
    }
  } catch {
    /* the process ended */
  }
  return out;
}

/** Resident memory of a process and its descendants, in MB. */
export function treeRssMb(pid: number): number {
  let kb = 0;
  for (const p of processTree(pid)) {
    try {
      kb += Number(/^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${p}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      /* gone */
    }
  }
  return kb / 1024;
}

/**
 * Build the app into `.next-bench` when the sources are newer than that build (the project's
 * own ensure-build script, pointed at the bench's dist dir).
 */
export function ensureBuild(ctx: BenchContext) {
  const logFile = path.join(ctx.tmpDir, "next-build.log");
  const t0 = Date.now();
  const out = fs.openSync(logFile, "w");
  const result = spawnSync(process.execPath, ["scripts/ensure-build.mjs"], {
    env: { ...process.env, NEXT_DIST_DIR: DIST_DIR, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", out, out],
  });
  fs.closeSync(out);
  const log = fs.readFileSync(logFile, "utf8");
  if (result.status !== 0) throw new Error(`next build into ${DIST_DIR} failed:\n${log.slice(-3000)}`);
  ctx.log(log.includes("next build") || log.includes("rebuilding") ? `built the app into ${DIST_DIR} in ${((Date.now() - t0) / 1000).toFixed(0)} s` : `reusing the build in ${DIST_DIR}`);
}

/**
 * The app as users run it (`next start` with `npm start`'s node arguments, production build) on
 * the bench database, projectors in-process (the default). Started once per run, on first use; stopped at the end of the run.
 */
export function appServer(ctx: BenchContext): Promise<AppServer> {
  ctx.shared.appServer ??= start(ctx).catch((error) => {
    ctx.shared.appServer = undefined;
    throw error;
  });
  return ctx.shared.appServer;
}

/** Stop the app server if one runs (before work that must not share the database with it). */
export async function stopAppServer(ctx: BenchContext): Promise<void> {
  const running = ctx.shared.appServer;
  ctx.shared.appServer = undefined;
  const server = await running?.catch(() => undefined);
  await server?.stop();
}

async function start(ctx: BenchContext): Promise<AppServer> {
  if (!ctx.url) throw new Error("the app server needs PostgreSQL (a PGlite directory cannot be shared with the bench process)");
  ensureBuild(ctx);
  // Every page and API answers only a signed-in caller: the bench is an editor with an API key.
  const identity = await createLedger({ url: ctx.url, max: 2 }, { migrate: false, identity: true, masterKey: null });
  let key: string;
  try {
    const admin = (await identity.users!.list()).find((u) => u.role === "admin")!;
    ({ key } = await identity.users!.createKey({ name: "bench", role: "editor" }, admin.id));
  } finally {
    await identity.close();
  }
  const port = await freePort();
  const logFile = path.join(ctx.tmpDir, "next-start.log");
  const out = fs.openSync(logFile, "w");
  const child = spawn(process.execPath, nextStartArgs(port, "127.0.0.1"), {
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_DIST_DIR: DIST_DIR,
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: ctx.url,
      SEED_DEMO: "0",
      PORT: String(port),
    },
    stdio: ["ignore", out, out],
  });
  fs.closeSync(out);
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) =>
    child.on("exit", (code) => {
      exited = code;
      resolve();
    }),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${key}` };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited !== undefined) throw new Error(`next start exited with ${exited}:\n${fs.readFileSync(logFile, "utf8").slice(-3000)}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`next start did not answer within 90 s:\n${fs.readFileSync(logFile, "utf8").slice(-3000)}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/customers?limit=1`, { headers });
      if (response.status === 200) break;
    } catch {
      /* not up yet */
    }
    await sleep(250);
  }
  ctx.log(`app server: ${baseUrl} (pid ${child.pid}, log ${logFile})`);
  return {
    baseUrl,
    headers,
    pid: child.pid!,
    async stop() {
      if (exited !== undefined) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}
