/**
 * Where a readStream's time goes (analysis, not part of `npm run bench`):
 *   npx tsx bench/explore/read-stream.mts
 * One 10,000-event customer stream; interleaved rounds of: the bench's limit (`select *` raw),
 * store.readStream, and variants of the decoding. Prints per variant the median wall time of a
 * load and the process CPU per load (user + system; stable-ish on a shared machine).
 */
import { performance } from "node:perf_hooks";
import postgres from "postgres";
import { asc, eq } from "drizzle-orm";
import { events } from "@/db/schema";
import { connectPostgres, rawQuery } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { createEventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/commands/event-registry";
import { changeCustomer, newCustomer, rng } from "../lib/data";
import { scratchDatabase } from "./scratch";

const SIZE = Number(process.env.SIZE ?? 10_000);
const ROUNDS = Number(process.env.ROUNDS ?? 8);
const PER_ROUND = Number(process.env.PER_ROUND ?? 15);

const scratch = await scratchDatabase("rs");
const { url } = scratch;
try {
  const database = await connectPostgres({ url, max: 4 });
  await migrateDatabase(database, url);
  const sql = postgres(url, { max: 4, onnotice() {} });
  const store = createEventStore(database.db, eventRegistry);
  const r = rng(4);
  const { sketch, event } = newCustomer(r);
  let pending = [event];
  let written = 0;
  while (written < SIZE) {
    while (pending.length < Math.min(1000, SIZE - written)) pending.push(changeCustomer(r, sketch));
    written = (await store.append(sketch.streamId, pending, { expectedVersion: written === 0 ? "no_stream" : written })).nextExpectedVersion;
    pending = [];
  }
  await sql.unsafe("analyze events");
  const streamId = sketch.streamId;
  const COLUMNS = `position, transaction_id::text as "transactionId", id, stream_id as "streamId", version, type,
    schema_version as "schemaVersion", data, metadata, created_at as "createdAt"`;
  const READ = `select ${COLUMNS} from events where stream_id = $1 order by version`;
  const variants: Record<string, () => Promise<number>> = {
    limit: async () => [...(await sql.unsafe(`select * from events where stream_id = $1 order by version`, [streamId], { prepare: true }))].length,
    "old readStream": async () => {
      const rows = await database.db.select().from(events).where(eq(events.streamId, streamId)).orderBy(asc(events.version));
      // The code before round 3: Drizzle's select, then a copy per row with the timestamp through Date.
      return rows.map((row) => ({
        id: row.id,
        streamId: row.streamId,
        type: row.type,
        version: Number(row.version),
        position: Number(row.position),
        schemaVersion: row.schemaVersion,
        data: row.data,
        metadata: row.metadata,
        timestamp: new Date(row.createdAt).toISOString(),
        transactionId: String(row.transactionId),
      })).length;
    },
    "store.readStream": async () => (await store.readStream(streamId)).length,
    "raw rows only": async () => (await rawQuery(database.db, READ, [streamId])).length,
  };
  const wall: Record<string, number[]> = {};
  const cpu: Record<string, number> = {};
  const count: Record<string, number> = {};
  for (const [k, op] of Object.entries(variants)) {
    for (let i = 0; i < 5; i++) if ((await op()) !== SIZE) throw new Error(`${k} read the wrong count`);
    wall[k] = [];
    cpu[k] = 0;
    count[k] = 0;
  }
  for (let round = 0; round < ROUNDS; round++) {
    const order = Object.keys(variants);
    if (round % 2) order.reverse();
    for (const k of order) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < PER_ROUND; i++) {
        const t0 = performance.now();
        await variants[k]();
        wall[k].push(performance.now() - t0);
      }
      const c = process.cpuUsage(c0);
      cpu[k] += (c.user + c.system) / 1000;
      count[k] += PER_ROUND;
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const limit = median(wall.limit);
  for (const k of Object.keys(variants)) {
    const p50 = median(wall[k]);
    console.log(`${k.padEnd(22)} p50 ${p50.toFixed(1).padStart(6)} ms  (limit/ours ${(limit / p50).toFixed(2)})  cpu/load ${(cpu[k] / count[k]).toFixed(1).padStart(6)} ms`);
  }
  await sql.end();
  await database.close();
} finally {
  await scratch.drop();
}
