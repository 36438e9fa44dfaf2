import { createHash } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/**
 * The lock of an embedded (PGlite) data directory. PGlite does not stop two processes from opening
 * one directory, and two writers there lose committed rows (STACK.md trap 2).
 *
 * The lock is `proper-lockfile`'s: an atomic `mkdir` of `<dir>.lock`, whose mtime the holder
 * touches every second. A lock not touched for STALE_MS is stale and taken over, whatever happened
 * to its holder (crash, `kill -9`, OOM, reboot) and whoever has its PID now: no PID is checked.
 * A small info file `<dir>.lock-holder.json` names the holder, for the refusal message only.
 *
 * The touching runs in a worker thread: PGlite runs synchronously on the main thread and can hold
 * it for seconds (initdb on a fresh directory, a long catch-up: trap 14), and a lock touched from
 * there would look stale to a second starter while its holder is alive.
 *
 * On Linux the holder first binds an abstract Unix socket named after the directory. The kernel
 * frees that name the moment its holder dies, zombie or not, so a restart after `kill -9` need not
 * wait for the mkdir lock to go stale: holding the socket proves that a lock left by a process of
 * the same host and network namespace (the holder file says which) is a dead one, and it is taken
 * over at once. The mkdir lock still guards against processes the socket cannot see: another
 * container or host sharing the directory, whose lock is only taken over once stale.
 */

/**
 * A lock untouched this long is stale. The holder touches it every second from its own thread, so
 * a live holder would have to miss three touches in a row. (proper-lockfile's minimum, 2 s, let a
 * second starter take the lock of a live holder once, with the machine at load 12 on 2 cores.)
 */
export const STALE_MS = 3000;
const UPDATE_MS = 1000;
/** How long an opener waits for a held lock by default: a holder that is just exiting, or a crashed one going stale. */
export const DEFAULT_LOCK_WAIT_MS = 5000;

export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  /** Where the holder's socket lives (boot and network namespace); absent off Linux. */
  scope?: string;
}

export interface EmbeddedLock {
  readonly lockPath: string;
  release(): Promise<void>;
}

export class EmbeddedDirectoryInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder | undefined,
    lockPath: string,
  ) {
    const who = holder ? `pid ${holder.pid} on host ${holder.host} since ${holder.since}` : "another process";
    super(
      `The embedded database at ${dataDir} is in use by ${who} (lock ${lockPath}). ` +
        `Only one process may open a PGlite directory: stop that process, or set PGLITE_DIR to another directory. ` +
        `(A holder that dies releases it at once on this host; another host's crashed holder's lock is taken over once it is ${STALE_MS / 1000} s old.)`,
    );
    this.name = "EmbeddedDirectoryInUseError";
  }
}

export const lockPathOf = (dataDir: string) => path.resolve(dataDir) + ".lock";
/** The abstract socket name of a directory (the leading NUL puts it outside the file system). */
export const socketNameOf = (dataDir: string) =>
  "\0ledger-pglite-" + createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 40);

/** This process's boot and network namespace, in which abstract socket names live; undefined off Linux. */
export function socketScope(): string | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    const boot = fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
    return `${boot}/${fs.readlinkSync("/proc/self/ns/net")}`;
  } catch {
    return undefined;
  }
}

/** Bind the directory's socket, retrying until `deadline`; undefined while a live process holds it. */
async function bindSocket(name: string, deadline: number): Promise<net.Server | undefined> {
  for (;;) {
    const server = net.createServer((connection) => connection.end());
    const bound = await new Promise<boolean>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => (error.code === "EADDRINUSE" ? resolve(false) : reject(error)));
      server.listen({ path: name }, () => resolve(true));
    });
    if (bound) return server.unref();
    if (Date.now() >= deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
export const holderPathOf = (dataDir: string) => path.resolve(dataDir) + ".lock-holder.json";

/**
 * The holder, waiting up to half a second for it to name itself: a holder writes its info file
 * just after it takes the lock, so a process refused at the same moment could otherwise say only
 * "another process".
 */
async function holderSoon(dataDir: string): Promise<LockHolder | undefined> {
  for (let i = 0; i < 10; i++) {
    const holder = readHolder(dataDir);
    if (holder) return holder;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return readHolder(dataDir);
}

/** Who the info file says holds the directory (it may be out of date: only the lock decides). */
export function readHolder(dataDir: string): LockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(holderPathOf(dataDir), "utf8")) as LockHolder;
  } catch {
    return undefined;
  }
}

// The worker's code; it runs as a script or as a module (workers evaluate as their parent does),
// so it loads everything through process.getBuiltinModule (Node 20.16+). It takes the lock (retrying until `waitMs`), reports, keeps it
// touched, and releases it when told. proper-lockfile itself reports a compromised lock (its
// mtime changed under us, or a touch came too late).
const WORKER_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule("node:worker_threads");
const fs = process.getBuiltinModule("node:fs");
const lockfile = process.getBuiltinModule("node:module").createRequire(workerData.lockfileModule)(workerData.lockfileModule);
const { dataDir, lockPath, holderPath, holder, waitMs, stale, update } = workerData;
let release;
const deadline = Date.now() + waitMs;
const options = {
  realpath: false,
  lockfilePath: lockPath,
  stale,
  update,
  onCompromised: (error) => parentPort.postMessage({ type: "compromised", message: String(error && error.message || error) }),
};
function attempt() {
  lockfile.lock(dataDir, options).then(
    (r) => {
      release = r;
      try { fs.writeFileSync(holderPath, JSON.stringify(holder)); } catch {}
      parentPort.postMessage({ type: "locked" });
    },
    (error) => {
      if (error && error.code === "ELOCKED" && Date.now() < deadline) return setTimeout(attempt, 200);
      parentPort.postMessage({ type: "failed", code: error && error.code, message: String(error && error.message || error) });
    },
  );
}
parentPort.on("message", (message) => {
  if (message !== "release") return;
  const done = () => parentPort.postMessage({ type: "released" });
  if (!release) return done();
  try { fs.rmSync(holderPath, { force: true }); } catch {}
  release().then(done, done);
});
attempt();
`;

export interface LockOptions {
  /** Keep trying a held lock this long (ms) before refusing. */
  waitMs?: number;
  /**
   * Called when the lock was lost while held (another process took it over). The default ends
   * the process: writing on beside another writer loses data.
   */
  onCompromised?: (message: string) => void;
}

/**
 * Take the directory's lock, waiting up to `waitMs` for a holder that is exiting or a crashed
 * holder's lock to go stale. Throws EmbeddedDirectoryInUseError when a live holder keeps it.
 */
export async function acquireEmbeddedLock(dataDir: string, options: LockOptions = {}): Promise<EmbeddedLock> {
  const waitMs = options.waitMs ?? DEFAULT_LOCK_WAIT_MS;
  const lockPath = lockPathOf(dataDir);
  const holderPath = holderPathOf(dataDir);
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });
  // The lock of versions before this one was a plain file naming a PID; it is never valid now.
  if (fs.existsSync(lockPath) && !fs.statSync(lockPath).isDirectory()) fs.rmSync(lockPath, { force: true });
  const lockfileModule = createRequire(path.join(process.cwd(), "package.json")).resolve("proper-lockfile");
  const scope = socketScope();
  const holder: LockHolder = { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), ...(scope ? { scope } : {}) };
  const deadline = Date.now() + waitMs;
  let socket: net.Server | undefined;
  if (scope) {
    socket = await bindSocket(socketNameOf(dataDir), deadline);
    if (!socket) throw new EmbeddedDirectoryInUseError(dataDir, await holderSoon(dataDir), lockPath);
    // We hold the socket, so a holder of our scope is dead: its lock need not go stale first.
    if (readHolder(dataDir)?.scope === scope) {
      fs.rmSync(lockPath, { recursive: true, force: true });
      fs.rmSync(holderPath, { force: true });
    }
  }
  const closeSocket = () => new Promise<void>((resolve) => (socket ? socket.close(() => resolve()) : resolve()));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      dataDir: path.resolve(dataDir),
      lockPath,
      holderPath,
      holder,
      waitMs: Math.max(0, deadline - Date.now()),
      stale: STALE_MS,
      update: UPDATE_MS,
      lockfileModule,
    },
  });
  let held = false;
  let lost = false;
  // On a plain exit (process.exit, a crash in JS) the worker gets no chance to unlock: remove the
  // lock here, synchronously, so the next start need not wait for it to go stale.
  const onExit = () => {
    if (!held || lost) return;
    fs.rmSync(holderPath, { force: true });
    fs.rmSync(lockPath, { recursive: true, force: true });
  };
  const outcome = await new Promise<{ type: string; code?: string; message?: string }>((resolve, reject) => {
    worker.once("error", (error) => void closeSocket().then(() => reject(error)));
    worker.on("message", (message: { type: string; code?: string; message?: string }) => {
      if (message.type === "compromised") {
        lost = true;
        const text = `[ledger] the lock of the embedded database ${dataDir} was lost (${message.message}): another process may have opened it.`;
        if (options.onCompromised) options.onCompromised(text);
        else {
          console.error(`${text} Stopping, so that two processes never write to it.`);
          process.exit(1);
        }
        return;
      }
      if (message.type === "locked" || message.type === "failed") resolve(message);
    });
  });
  if (outcome.type !== "locked") {
    await worker.terminate();
    await closeSocket();
    if (outcome.code === "ELOCKED") throw new EmbeddedDirectoryInUseError(dataDir, await holderSoon(dataDir), lockPath);
    throw new Error(`Cannot lock the embedded database at ${dataDir}: ${outcome.message}`);
  }
  held = true;
  worker.unref();
  process.once("exit", onExit);
  let released: Promise<void> | undefined;
  return {
    lockPath,
    release() {
      released ??= new Promise<void>((resolve) => {
        process.off("exit", onExit);
        worker.ref();
        worker.on("message", (message: { type: string }) => {
          if (message.type === "released") resolve();
        });
        worker.postMessage("release");
      }).then(async () => {
        held = false;
        await worker.terminate();
        await closeSocket(); // after the mkdir lock: a holder of our scope is alive while it has the socket
      });
      return released;
    },
  };
}
