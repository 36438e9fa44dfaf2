import { connectPostgres } from "@/db/client";
import { projections } from "@/lib/projections";
import { ProjectionRunner } from "@/lib/projections/runner";
const database = await connectPostgres({ url: process.env.URL!, max: 4 });
const t0 = Date.now();
await new ProjectionRunner(database, projections, { batchSize: 2000, log: { log() {}, warn: console.warn, error: console.error } }).drain();
console.log("drained in", (Date.now() - t0) / 1000, "s");
await database.close();
