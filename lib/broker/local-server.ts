import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A `nats-server -js` of a test's (or the demo's) own, on a free port with a temporary store
 * directory, so that a test can kill and restart its broker. Fault tests never use the machine's
 * shared server.
 */
export interface TestNatsServer {
  url: string;
  port: number;
  storeDir: string;
  /** Kill the server (SIGKILL: no clean shutdown) and wait for it to exit. */
  kill(): Promise<void>;
  /** Start it again on the same port and store. */
  restart(): Promise<void>;
  /** Stop it and remove its store. */
  dispose(): Promise<void>;
}

export const NATS_SERVER_BIN = process.env.NATS_SERVER_BIN ?? "nats-server";

/** Whether a nats-server binary is on this machine. */
export function natsServerAvailable(): boolean {
  const probe = spawnSync(NATS_SERVER_BIN, ["--version"], { encoding: "utf8" });
  return probe.status === 0;
}

/** A free TCP port on 127.0.0.1 (closed again at once; a small race, acceptable in tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Start a JetStream server of the test's own. */
export async function startNatsServer(): Promise<TestNatsServer> {
  const port = await freePort();
  const storeDir = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-nats-"));
  let child: ChildProcess | null = null;
  let output = "";
  const start = async () => {
    output = "";
    child = spawn(NATS_SERVER_BIN, ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", storeDir], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (d) => (output = (output + d).slice(-4000)));
    child.stderr?.on("data", (d) => (output = (output + d).slice(-4000)));
    const exited = new Promise<boolean>((resolve) => child!.once("exit", () => resolve(true)));
    await waitFor(async () => {
      if (child?.exitCode !== null) throw new Error(`nats-server exited: ${output}`);
      // Ready once JetStream says so (the port opens a moment before).
      return /Server is ready/.test(output) && (await portOpen(port));
    }, `nats-server on ${port}`);
    void exited;
  };
  const kill = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    kill,
    restart: start,
    async dispose() {
      await kill();
      fs.rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
