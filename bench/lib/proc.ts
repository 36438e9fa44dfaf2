import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import readline from "node:readline";

/** Resident set size now and at its peak (VmHWM), in MB, from /proc (Linux). */
export function memoryMb(pid: number | "self" = "self"): { rss: number; hwm: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
}

/** A TypeScript child process (through tsx) that reports JSON lines on stdout. */
export interface JsonChild {
  child: ChildProcess;
  /** Resolves with the first message that satisfies `predicate`; rejects if the child exits first. */
  next<T = Record<string, unknown>>(predicate: (message: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<T>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnTs(script: string, args: string[], env: Record<string, string>, nodeArgs: readonly string[] = []): JsonChild {
  const child = spawn(process.execPath, [...nodeArgs, "--import", "tsx", script, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const messages: Record<string, unknown>[] = [];
  const waiters: { predicate: (m: Record<string, unknown>) => boolean; resolve: (m: never) => void }[] = [];
  let exited: number | null | undefined;
  const exitWaiters: ((code: number | null) => void)[] = [];
  readline.createInterface({ input: child.stdout! }).on("line", (line) => {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line);
    } catch {
      process.stderr.write(`${line}\n`);
      return;
    }
    messages.push(message);
    for (const w of [...waiters]) {
      if (w.predicate(message)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(message as never);
      }
    }
  });
  child.on("exit", (code) => {
    exited = code;
    for (const w of exitWaiters.splice(0)) w(code);
  });
  return {
    child,
    next(predicate, timeoutMs = 120_000) {
      const found = messages.find(predicate);
      if (found) return Promise.resolve(found as never);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${script}: no expected message within ${timeoutMs} ms`)), timeoutMs);
        const entry = {
          predicate,
          resolve: (m: never) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        waiters.push(entry);
        exitWaiters.push((code) => {
          clearTimeout(timer);
          reject(new Error(`${script} exited with ${code} before reporting`));
        });
      });
    },
    stop(signal = "SIGTERM") {
      if (exited !== undefined) return Promise.resolve(exited);
      return new Promise((resolve) => {
        exitWaiters.push(resolve);
        child.kill(signal);
        setTimeout(() => {
          if (exited === undefined) child.kill("SIGKILL");
        }, 10_000).unref();
      });
    },
  };
}
