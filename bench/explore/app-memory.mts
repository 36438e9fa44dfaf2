/**
 * Where the app's memory goes (analysis, not part of `npm run bench`). On a database with a log
 * (catch-up-log.mts) and a production build in DIST (default .next-mem: `NEXT_DIST_DIR=.next-mem
 * next build`), it catches every projection up, starts `next start` with the memlog preload, and
 * prints the server's memory idle, after list-page load (c=4) and after rename commands (c=16):
 *   DATABASE_URL=… npx tsx bench/explore/app-memory.mts
 * EXTRA_NODE_OPTIONS adds flags to the server (e.g. --heapsnapshot-signal=SIGUSR2); HOLD=1 keeps it
 * running at the end until Ctrl-C, for heap snapshots.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { createLedger } from "@/lib/server/ledger";
import { projections } from "@/lib/projections";
import { ProjectionRunner } from "@/lib/projections/runner";
import { nextStartArgs } from "../../scripts/server-args.mjs";
import { memoryMb } from "../lib/proc";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is required");
const dist = process.env.DIST ?? ".next-mem";
const ledger = await createLedger({ url, max: 4 }, { identity: true, masterKey: null });
await new ProjectionRunner(ledger.database, projections, { log: { log() {}, warn: console.warn, error: console.error } }).drain();
const admin = (await ledger.users!.list()).find((u) => u.role === "admin")!;
const { key } = await ledger.users!.createKey({ name: `memory-${process.pid}`, role: "editor" }, admin.id);
const targets = (await ledger.database.db.execute(
  // eslint-disable-next-line
  (await import("drizzle-orm")).sql`select stream_id, version from streams where stream_type = 'Customer' order by stream_id limit 64`,
)) as unknown as { stream_id: string; version: number | string }[];
const customers = [...targets].map((t) => ({ id: t.stream_id.slice("Customer-".length), version: Number(t.version) }));
await ledger.close();

const memlog = path.join("/tmp", `memlog-${process.pid}.jsonl`);
const port = 3400 + Math.floor(Math.random() * 99);
// As `npm start` runs it (scripts/server-args.mjs: the heap cap), unless LEDGER_HEAP_MB says otherwise.
const child = spawn(process.execPath, nextStartArgs(port, "127.0.0.1"), {
  env: {
    ...process.env,
    NODE_ENV: "production",
    NEXT_DIST_DIR: dist,
    NEXT_TELEMETRY_DISABLED: "1",
    SEED_DEMO: "0",
    PORT: String(port),
    MEMLOG_FILE: memlog,
    NODE_OPTIONS: `--require ${path.resolve("bench/explore/memlog.cjs")} ${process.env.EXTRA_NODE_OPTIONS ?? ""}`,
  },
  stdio: ["ignore", "inherit", "inherit"],
});
const base = `http://127.0.0.1:${port}`;
const headers = { authorization: `Bearer ${key}` };
for (let i = 0; ; i++) {
  if (i > 400) throw new Error("server did not start");
  try {
    if ((await fetch(`${base}/api/customers?limit=1`, { headers })).status === 200) break;
  } catch {
    /* not yet */
  }
  await sleep(250);
}
const report = (phase: string) => {
  const lines = fs.readFileSync(memlog, "utf8").trim().split("\n").map((l) => JSON.parse(l)).filter((l) => l.pid === child.pid);
  const last = lines[lines.length - 1];
  const peak = lines.reduce((a, l) => (l.rss > a.rss ? l : a), lines[0]);
  const { rss, hwm } = memoryMb(child.pid!);
  console.log(`${phase.padEnd(14)} rss ${rss.toFixed(0)} hwm ${hwm.toFixed(0)} MB | now heap ${last.heapUsed}/${last.heapTotal} ext ${last.external} ab ${last.arrayBuffers} | at peak rss ${peak.rss}: heap ${peak.heapUsed}/${peak.heapTotal} old ${peak.spaces.old_space} code ${peak.spaces.code_space} lo ${peak.spaces.large_object_space} new ${peak.spaces.new_space}`);
};
await sleep(3000);
report("idle");
const cities = ["Boston", "Oslo", "Bergen", "Cambridge", "Leeds"];
const load = async (ms: number, concurrency: number, op: (w: number, i: number) => Promise<void>) => {
  const end = Date.now() + ms;
  let n = 0;
  await Promise.all(Array.from({ length: concurrency }, async (_, w) => {
    for (let i = 0; Date.now() < end; i++, n++) await op(w, i);
  }));
  return n;
};
const pages = await load(Number(process.env.LOAD_MS ?? 15_000), 4, async (_w, i) => {
  const r = await fetch(i % 2 ? `${base}/customers?city=${cities[i % 5]}` : `${base}/api/customers?q=ann`, { headers });
  await r.arrayBuffer();
});
report(`list (${pages})`);
const renames = await load(Number(process.env.LOAD_MS ?? 15_000), 16, async (w, i) => {
  const c = customers[w + 16 * (i % 4)];
  const r = await fetch(`${base}/api/customers/${c.id}/rename`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ name: `Memory ${w}-${i}-${c.version}`, expectedVersion: c.version }),
  });
  if (r.status === 200) c.version++;
  await r.arrayBuffer();
});
report(`commands (${renames})`);
if (process.env.HOLD) {
  console.log(`holding: pid ${child.pid}, ${base}`);
  await new Promise(() => {});
}
child.kill("SIGTERM");
fs.rmSync(memlog, { force: true });
