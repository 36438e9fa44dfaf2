// `npm run bench:durable-append [n]`: append-one cost on the embedded database, default settings
// against PGLITE_DURABLE=1 (README, Durability). Each append is one event on a new stream, one
// transaction, through the app's EventStore, into a fresh directory under ./.data/ (the disk the
// app uses, not /tmp, which may be memory).
import fs from "node:fs";
import path from "node:path";
import { v7 as uuidv7 } from "uuid";
import { connectPglite } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { createEventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/commands/event-registry";

const n = Number(process.argv[2] ?? 500);
const base = fs.mkdtempSync(path.join(process.cwd(), ".data", "bench-durable-"));
try {
  for (const durable of [false, true]) {
    const database = await connectPglite({ dataDir: path.join(base, durable ? "durable" : "default"), durable });
    await migrateDatabase(database);
    const store = createEventStore(database.db, eventRegistry);
    const append = () =>
      store.append(`Customer-${uuidv7()}`, [{ type: "CustomerRegistered", data: { name: "Ada", address: { street: "1 Main St", city: "Oslo" } } }], {
        expectedVersion: "no_stream",
      });
    for (let i = 0; i < 50; i++) await append(); // warm-up
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await append();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(2);
    const total = times.reduce((a, b) => a + b, 0);
    console.log(
      `${durable ? "PGLITE_DURABLE=1" : "default         "}  ${n} appends: ${(n / (total / 1000)).toFixed(0)}/s, p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`,
    );
    await database.close();
  }
} finally {
  fs.rmSync(base, { recursive: true, force: true });
}
