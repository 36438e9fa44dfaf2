/**
 * A projector process for the bench, like `npm run worker`, so that its memory and its CPU are
 * its own. Modes (argv[2]):
 *   follow      run every projection until SIGTERM (the lag scenario's worker)
 *   catch-up    rebuild customer_list from an empty table up to the last of MARKS (event counts,
 *               default 50000,100000), printing the time taken (until the live checkpoint has them
 *               all) and the peak RSS (VmHWM) seen at each mark; PROJECTION_BATCH_SIZE as for
 *               `npm run worker`
 * Prints one JSON line per milestone on stdout; everything else goes to stderr.
 */
import { sql } from "drizzle-orm";
import { connectPostgres, rowsOf } from "@/db/client";
import { customerListProjection, projections } from "@/lib/projections";
import { ProjectionRunner } from "@/lib/projections/runner";
import { ledgerStore } from "@/lib/commands/event-registry";
import { memoryMb } from "../lib/proc";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("bench projector: DATABASE_URL is required");
const mode = process.argv[2];
const say = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
const log = { log: () => {}, warn: (...a: unknown[]) => console.error(...a), error: (...a: unknown[]) => console.error(...a) };

const database = await connectPostgres({ url, max: 4 });
/** Encrypted bench runs (BENCH_ENCRYPT=1) pass their master key: the projector opens the fields as the app's does. */
const key = process.env.BENCH_MASTER_KEY;
const codec = key ? ledgerStore(database.db, Buffer.from(key, "base64")).codec : null;
const decode = codec ? (db: Parameters<typeof codec.decode>[0], events: Parameters<typeof codec.decode>[1]) => codec.decode(db, events) : undefined;

if (mode === "follow") {
  // ONLY=name,name narrows the worker to some projections (for analysis: how much do the others cost?).
  const only = process.env.ONLY?.split(",");
  const runner = new ProjectionRunner(database, only ? projections.filter((p) => only.includes(p.name)) : projections, {
    log,
    decode,
    batchSize: Number(process.env.PROJECTION_BATCH_SIZE) || undefined,
  });
  await runner.start();
  say({ ready: true, pid: process.pid });
  const stop = async () => {
    await runner.stop();
    await database.close();
    say({ stopped: true, ...memoryMb() });
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop());
  process.once("SIGINT", () => void stop());
} else if (mode === "catch-up") {
  const marks = (process.env.MARKS ?? "50000,100000").split(",").map(Number);
  await database.db.execute(sql`delete from projection_checkpoints where name in ('customer_list', 'customer_list__rebuild')`);
  await database.db.execute(sql`truncate customer_list`);
  const before = memoryMb();
  say({ start: true, ...before });
  let applied = 0;
  const seen: { events: number; rss: number; hwm: number }[] = [];
  const last = Math.max(...marks);
  let reached: () => void = () => {};
  const done = new Promise<void>((resolve) => (reached = resolve));
  // Runs as a worker does (start/stop), and stops at the last mark: the log may be longer.
  const batchSize = Number(process.env.PROJECTION_BATCH_SIZE) || undefined;
  const runner = new ProjectionRunner(database, [customerListProjection], {
    log,
    decode,
    batchSize,
    onBatch: (batch) => {
      const was = applied;
      applied += batch.events;
      for (const mark of marks) if (was < mark && applied >= mark) seen.push({ events: mark, ...memoryMb() });
      if (applied >= last) reached();
    },
  });
  const t0 = Date.now();
  await runner.start();
  await done;
  // Built from empty (the runner's from-empty path), the events went to a rebuild: the catch-up
  // ends when its tables are indexed and swapped in, and the live checkpoint has them all.
  while (Number(rowsOf<{ n: number | string }>(await database.db.execute(sql`select events_applied as n from projection_checkpoints where name = 'customer_list'`))[0]?.n ?? 0) < last) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await runner.stop();
  const [checkpoint] = rowsOf<{ events_applied: number | string }>(
    await database.db.execute(sql`select events_applied from projection_checkpoints where name = 'customer_list'`),
  );
  say({ done: true, applied, checkpointApplied: Number(checkpoint?.events_applied), ms: Date.now() - t0, before, marks: seen, end: memoryMb() });
  await database.close();
  process.exit(0);
} else {
  throw new Error(`bench projector: unknown mode ${mode}`);
}
