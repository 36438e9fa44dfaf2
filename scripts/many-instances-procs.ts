/**
 * Processes for scripts/many-instances.pg.test.ts: app servers (`next start` on the existing
 * build), workers (`scripts/worker.ts`), and a follower of an app's live feed (GET /api/live).
 * Each process runs in its own process group, so that a kill takes `next start`'s children too.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";

export interface Proc {
  name: string;
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<void>;
}

function launch(name: string, args: string[], env: Record<string, string>, url = ""): Proc {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  const keep = (chunk: Buffer) => (out = (out + chunk.toString()).slice(-20_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { name, child, url, output: () => out, exited };
}

/** An app process on `port`, without projectors (the workers run them). */
export function startApp(port: number, env: Record<string, string>): Proc {
  const args = ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"];
  return launch(`app:${port}`, args, { ...env, PROJECTIONS: "off" }, `http://127.0.0.1:${port}`);
}

/** A projection worker. */
export function startWorker(env: Record<string, string>): Proc {
  return launch("worker", ["--import", "tsx", "scripts/worker.ts"], { ...env, PROJECTION_POLL_MS: "200", DATABASE_POOL_SIZE: "3" });
}

/** Signal the process group and wait for the process to exit (SIGKILL after 10 s). */
export async function stopProcess(proc: Proc, signal: NodeJS.Signals): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const kill = (s: NodeJS.Signals) => {
    try {
      process.kill(-proc.child.pid!, s);
    } catch {
      /* gone */
    }
  };
  kill(signal);
  await Promise.race([proc.exited, sleep(10_000).then(() => kill("SIGKILL"))]);
  await proc.exited;
}

/** Wait until the app answers GET /api/customers with 200 for the key. */
export async function waitServing(app: Proc, key: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (app.child.exitCode !== null) throw new Error(`${app.name} exited with ${app.child.exitCode}:\n${app.output()}`);
    try {
      const response = await fetch(`${app.url}/api/customers?limit=1`, {
        headers: { authorization: `Bearer ${key}` },
        signal: AbortSignal.timeout(3000),
      });
      if (response.status === 200) return;
    } catch {
      /* not up yet */
    }
    await sleep(200);
  }
  throw new Error(`${app.name} did not serve within ${ms} ms:\n${app.output()}`);
}


/** What one app's live feed said: the highest head and projection positions, across reconnects. */
export interface Feed {
  head: number;
  projections: Map<string, number>;
  messages: number;
  /** Connections that reached `ready` (a restarted app's feed is followed again). */
  connections: number;
  stop(): void;
}

/** Follow `GET /api/live` on `url`, reconnecting whenever the connection ends, until stopped. */
export function followLive(url: string, key: string): Feed {
  const controller = new AbortController();
  const feed: Feed = { head: 0, projections: new Map(), messages: 0, connections: 0, stop: () => controller.abort() };
  const onMessage = (event: string, data: string) => {
    if (event === "ready") return void feed.connections++;
    const message = JSON.parse(data) as { position?: number; projection?: string };
    if (typeof message.position !== "number") return;
    feed.messages++;
    if (event === "events") feed.head = Math.max(feed.head, message.position);
    if (event === "projection" && message.projection) {
      feed.projections.set(message.projection, Math.max(feed.projections.get(message.projection) ?? 0, message.position));
    }
  };
  void (async () => {
    while (!controller.signal.aborted) {
      try {
        const response = await fetch(`${url}/api/live`, { headers: { authorization: `Bearer ${key}` }, signal: controller.signal });
        if (response.status !== 200 || !response.body) throw new Error(`live ${response.status}`);
        const decoder = new TextDecoder();
        let buffer = "";
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let end: number;
          while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) onMessage(event, data);
          }
        }
      } catch {
        /* cut (the app was killed) or refused (not up yet): follow again */
      }
      if (!controller.signal.aborted) await sleep(200);
    }
  })();
  return feed;
}
