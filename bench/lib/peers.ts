import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { BenchContext } from "./context";

/**
 * Peer event stores, measured in the same run (`--peers`). Each is installed only for the bench,
 * into `.bench-peers/` (git-ignored), never into the app's dependencies, and runs in a child
 * process of its own against the bench database.
 */
export const PEER_DIR = path.resolve(".bench-peers");
const EMMETT = ["@event-driven-io/emmett@0.42.0", "@event-driven-io/emmett-postgresql@0.42.0", "@event-driven-io/pongo@0.16.11", "pg@8.23.1"];

/** Install Emmett into .bench-peers unless it is there already. */
export function ensurePeers(log: (message: string) => void): void {
  if (fs.existsSync(path.join(PEER_DIR, "node_modules/@event-driven-io/emmett-postgresql/package.json"))) return;
  log(`installing the peer stores into ${PEER_DIR}: ${EMMETT.join(", ")}`);
  fs.mkdirSync(PEER_DIR, { recursive: true });
  fs.writeFileSync(path.join(PEER_DIR, "package.json"), JSON.stringify({ name: "bench-peers", private: true }, null, 2));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", ...EMMETT], { cwd: PEER_DIR, stdio: "inherit" });
}

export type PeerScenario = "append-one" | "append-batch" | "read-stream" | "read-all";

/** Emmett's figures for one scenario (events/s, or p50 ms for read-stream), one per repetition. */
export async function emmettFigures(
  ctx: BenchContext,
  scenario: PeerScenario,
  options: { concurrency?: number; size?: number; pool: number },
): Promise<{ name: string; values: number[] } | undefined> {
  if (!ctx.config.peers || !ctx.url) return undefined;
  const args = {
    peerDir: PEER_DIR,
    url: ctx.url,
    scenario,
    concurrency: options.concurrency ?? 1,
    size: options.size,
    pool: options.pool,
    repMs: ctx.config.repMs,
    warmupMs: ctx.config.warmupMs,
    reps: ctx.config.reps,
  };
  const child = spawn(process.execPath, ["--import", "tsx", "bench/peers/emmett.ts", JSON.stringify(args)], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  const last = out.trim().split("\n").pop() ?? "";
  if (code !== 0) throw new Error(`the Emmett peer failed on ${scenario} (exit ${code})`);
  const { values } = JSON.parse(last) as { values: number[] };
  return { name: "Emmett 0.42", values };
}
