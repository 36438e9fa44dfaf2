/**
 * A database holding the catch-up scenario's log (100,000 customer events, as `npm run bench`
 * writes it), left in place for profiling the projector (analysis, not part of `npm run bench`):
 *   npx tsx bench/explore/catch-up-log.mts            # prints DATABASE_URL=…
 *   DATABASE_URL=… node --cpu-prof --import tsx bench/child/projector.ts catch-up
 *   DROP=<database name> npx tsx bench/explore/catch-up-log.mts   # drop it afterwards
 * EVENTS sets the log's size.
 */
import postgres from "postgres";
import { createEventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/commands/event-registry";
import { bulkAppend, customerLog, rng } from "../lib/data";
import { asAdmin } from "../lib/targets";
import { migratedScratch } from "./scratch";

if (process.env.DROP) {
  await asAdmin(`drop database if exists ${process.env.DROP.replace(/\W/g, "")} with (force)`);
  process.exit(0);
}
// Kept for profiling: DROP=<its name> drops it.
const { url, database } = await migratedScratch(4, "cu");
const sql = postgres(url, { max: 4, onnotice() {} });
const ctx = {
  raw: { query: async (t: string, p: unknown[] = []) => [...(await sql.unsafe(t, p as never[], { prepare: true }))] },
  store: createEventStore(database.db, eventRegistry),
} as never;
const { appends } = customerLog(rng(5), Number(process.env.EVENTS ?? 100_000));
await bulkAppend(ctx, appends);
await sql.unsafe("analyze events");
await sql.end();
await database.close();
console.log(`DATABASE_URL=${url}`);
