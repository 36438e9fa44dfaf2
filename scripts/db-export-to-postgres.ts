// `npm run db:export-to-postgres <url>`: move the embedded (PGlite) database to a PostgreSQL
// server, the road from "tried it" to "run it for real". Copies the event log and every other
// write-side table (snapshots, data keys, the command log, and whatever users, sessions or keys
// tables exist: every table but the read models and their checkpoints), then builds the read
// tables there from the log and checks that they equal the embedded database's, table by table.
// The target must be empty (a fresh database; it is migrated here). Stop the app first: only one
// process may open the embedded directory.
import { sql } from "drizzle-orm";
import { connectPglite, connectPostgres, defaultPgliteDir, query, type Database } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { copyTables, listTables, tableDigest } from "@/db/table-copy";
import { ledgerStore } from "@/lib/commands/event-registry";
import { loadMasterKey } from "@/lib/eventstore";
import { projections } from "@/lib/projections";
import { ProjectionRunner } from "@/lib/projections/runner";
import { SHADOW_SUFFIX } from "@/lib/projections/shadow";

const url = process.argv[2];
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error("Usage: npm run db:export-to-postgres <postgres://user@host:5432/database>");
  process.exit(2);
}

const readTables = new Set(projections.flatMap((p) => p.tables));
/** Read models and their bookkeeping: rebuilt on the target from the log, not copied. */
const isReadSide = (table: string) =>
  readTables.has(table) || table === "projection_checkpoints" || table === "parked_events" || table.endsWith(SHADOW_SUFFIX);
const quiet = { log: () => {}, warn: console.warn, error: console.error };

/** Run every projection to the log's end, opening personal fields with the master key (the data keys travel with the log). */
async function catchUp(database: Database) {
  const store = ledgerStore(database.db, loadMasterKey());
  await new ProjectionRunner(database, projections, { log: quiet, decode: (db, events) => store.codec.decode(db, events) }).drain();
}

let source: Database | undefined;
let target: Database | undefined;
try {
  const dir = defaultPgliteDir();
  source = await connectPglite({ dataDir: dir });
  await migrateDatabase(source);
  await catchUp(source); // so that its read tables are current, to compare with
  target = await connectPostgres({ url, max: 4 });
  await migrateDatabase(target, url);
  for (const t of await listTables(target.db)) {
    if (isReadSide(t.name)) continue;
    const [row] = await query<{ n: number }>(target.db, sql.raw(`select count(*)::int as n from "${t.name}"`));
    if (row.n > 0) throw new Error(`the target's table ${t.name} is not empty: export into a fresh database`);
  }
  console.log(`exporting ${dir} → ${target.describe}`);
  const counts = await copyTables(source.db, target.db, {
    skip: isReadSide,
    onTable: (table, rows) => console.log(`  ${table}: ${rows.toLocaleString("en-US")} rows`),
  });
  const mismatched: string[] = [];
  for (const table of Object.keys(counts)) {
    const [a, b] = [await tableDigest(source.db, table), await tableDigest(target.db, table)];
    if (a.rows !== b.rows || a.md5 !== b.md5) mismatched.push(`${table} (copied: ${a.rows} → ${b.rows} rows)`);
  }
  console.log("building the read tables on PostgreSQL from the log …");
  await catchUp(target);
  for (const table of readTables) {
    const [a, b] = [await tableDigest(source.db, table), await tableDigest(target.db, table)];
    if (a.rows !== b.rows || a.md5 !== b.md5) mismatched.push(`${table} (read table: ${a.rows} rows embedded, ${b.rows} on PostgreSQL)`);
    else console.log(`  ${table}: ${b.rows.toLocaleString("en-US")} rows, equal`);
  }
  if (mismatched.length) throw new Error(`the copy differs from the embedded database: ${mismatched.join("; ")}`);
  console.log(`done: every table equal. Start the app on it with DATABASE_URL=${target.describe}`);
} catch (error) {
  console.error(`export failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await target?.close().catch(() => {});
  await source?.close().catch(() => {});
}
