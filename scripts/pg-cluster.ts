/**
 * A throwaway PostgreSQL cluster for tests that must stop or restart the server itself
 * (scripts/pg-restart.pg.test.ts): created with Debian's postgresql-common (`pg_createcluster`,
 * trust auth, its own free port), started, restarted and dropped with `pg_ctlcluster` and
 * `pg_dropcluster`. The shared test server on 5432 is never touched.
 *
 * Needs root (or the postgres user) and postgresql-common; `clusterUnavailable()` says why not.
 */
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { freePort } from "@/lib/broker/local-server";

const run = promisify(execFile);
const NAME_PREFIX = "ledger_restart_";

export interface Cluster {
  version: string;
  name: string;
  port: number;
  /** postgres://postgres@127.0.0.1:<port>/<database> */
  url(database?: string): string;
  /**
   * `pg_ctlcluster … restart --mode fast`: every session ends, the server comes back. Resolves
   * with the moment it accepted connections again (pg_isready, watched while the restart runs:
   * pg_ctlcluster itself returns seconds later).
   */
  restart(): Promise<{ upAt: number }>;
  /** Stop and delete the cluster (data directory, configuration, log). Safe to call twice. */
  drop(): Promise<void>;
}

const ctl = (version: string, name: string, action: string, ...rest: string[]) =>
  run("pg_ctlcluster", ["--skip-systemctl-redirect", ...rest, version, name, action], { timeout: 60_000 });

/** Why a throwaway cluster cannot be made here (null: it can). */
export function clusterUnavailable(): string | null {
  if (process.env.SKIP_POSTGRES_TESTS === "1") return "SKIP_POSTGRES_TESTS=1";
  if (!fs.existsSync("/usr/bin/pg_createcluster")) return "pg_createcluster not installed (postgresql-common)";
  if (process.getuid?.() !== 0) return "creating a PostgreSQL cluster needs root";
  if (!installedVersion()) return "no PostgreSQL server version under /usr/lib/postgresql";
  return null;
}

/** The newest installed server version that has binaries (e.g. "15"). */
function installedVersion(): string | null {
  const dir = "/usr/lib/postgresql";
  if (!fs.existsSync(dir)) return null;
  const versions = fs
    .readdirSync(dir)
    .filter((v) => fs.existsSync(`${dir}/${v}/bin/postgres`))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ?? null;
}

/**
 * Drop the clusters earlier runs of this test left behind (their process was killed before its
 * teardown): only `ledger_restart_<pid>` clusters whose pid is no longer alive.
 */
async function dropLeftovers(): Promise<void> {
  const { stdout } = await run("pg_lsclusters", ["--no-header"]);
  for (const line of stdout.split("\n")) {
    const [version, name] = line.trim().split(/\s+/);
    const pid = name?.startsWith(NAME_PREFIX) ? Number(name.slice(NAME_PREFIX.length).split("_")[0]) : NaN;
    if (!Number.isInteger(pid) || pid === process.pid || alive(pid)) continue;
    await run("pg_dropcluster", ["--stop", version, name]).catch(() => {});
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Create and start a cluster on a free port; drop it (even half made) if that fails. */
export async function createCluster(): Promise<Cluster> {
  const version = installedVersion();
  if (!version) throw new Error("no PostgreSQL server installed");
  await dropLeftovers();
  const name = `${NAME_PREFIX}${process.pid}_${Date.now().toString(36)}`;
  const port = await freePort();
  let dropped = false;
  const cluster: Cluster = {
    version,
    name,
    port,
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    restart: async () => {
      let down = false;
      let upAt = 0;
      let restarting = true;
      const watch = (async () => {
        while (restarting) {
          const ready = await isReady(port);
          if (!ready) down = true;
          else if (down && !upAt) upAt = Date.now();
          await sleep(50);
        }
      })();
      try {
        await ctl(version, name, "restart", "--mode", "fast");
      } finally {
        restarting = false;
        await watch;
      }
      return { upAt: upAt || Date.now() };
    },
    drop: async () => {
      if (dropped) return;
      dropped = true;
      process.off("exit", onExit);
      await run("pg_dropcluster", ["--stop", version, name], { timeout: 60_000 });
    },
  };
  // Last resort when the process exits without its teardown (an uncaught error); a kill leaves
  // the cluster to the next run's dropLeftovers().
  const onExit = () => {
    if (!dropped) execFileSync("pg_dropcluster", ["--stop", version, name], { stdio: "ignore", timeout: 60_000 });
  };
  process.once("exit", onExit);
  try {
    // --auth=trust (initdb) for local and host connections; the port is ours alone.
    await run("pg_createcluster", [version, name, "-p", String(port), "--", "--auth=trust"], { timeout: 120_000 });
    await ctl(version, name, "start");
  } catch (error) {
    await cluster.drop().catch(() => {});
    throw error;
  }
  return cluster;
}

/** Whether the server on `port` accepts connections now (pg_isready). */
async function isReady(port: number): Promise<boolean> {
  try {
    await run("pg_isready", ["-q", "-h", "127.0.0.1", "-p", String(port)], { timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}
