// `npm run db:restore <file>`: load a backup from `npm run db:backup` into the embedded database
// directory (PGLITE_DIR or ./.data/pglite), which must be empty or absent: it never overwrites.
import fs from "node:fs";
import { sql } from "drizzle-orm";
import { connectPglite, defaultPgliteDir, query } from "@/db/client";

const file = process.argv[2];
if (!file) {
  console.error("Usage: npm run db:restore <file>   (into PGLITE_DIR or ./.data/pglite, which must be empty)");
  process.exit(2);
}
const dir = defaultPgliteDir();
if (!fs.existsSync(file)) {
  console.error(`No file ${file}.`);
  process.exit(1);
}
if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
  console.error(`${dir} is not empty: restore into an empty directory (set PGLITE_DIR), or move the old one away first.`);
  process.exit(1);
}
try {
  const database = await connectPglite({ dataDir: dir, loadDataDir: new Blob([fs.readFileSync(file)]) });
  try {
    const [row] = await query<{ events: number }>(database.db, sql`select count(*)::int as events from events`);
    console.log(`restored ${file} into ${dir}: ${row.events.toLocaleString("en-US")} events`);
  } finally {
    await database.close();
  }
} catch (error) {
  console.error(`restore failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
