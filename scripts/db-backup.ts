// `npm run db:backup [file]`: a consistent copy of the embedded (PGlite) database, as PGlite's
// data-directory dump (a .tar.gz; `npm run db:restore <file>` loads it). Works while the app runs:
// only one process may open the directory, so then the app writes the dump on request
// (db/embedded-backup.ts); otherwise this process opens the directory itself.
// Default file: ./.data/backups/pglite-<time>.tar.gz. On PostgreSQL, use pg_dump.
import fs from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { connectPglite, defaultPgliteDir } from "@/db/client";
import { requestBackupFromHolder, writeDump } from "@/db/embedded-backup";
import { EmbeddedDirectoryInUseError } from "@/db/embedded-lock";

if (process.env.DATABASE_URL) {
  console.error("db:backup copies the embedded database; with DATABASE_URL set, use pg_dump (pg_dump -Fc \"$DATABASE_URL\").");
  process.exit(2);
}
const dir = defaultPgliteDir();
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const file = path.resolve(process.argv[2] ?? path.join(path.dirname(dir), "backups", `pglite-${stamp}.tar.gz`));
if (!fs.existsSync(path.join(dir, "PG_VERSION"))) {
  console.error(`No embedded database at ${dir} (set PGLITE_DIR).`);
  process.exit(1);
}
if (fs.existsSync(file)) {
  console.error(`${file} exists; not overwriting it.`);
  process.exit(1);
}

try {
  let via = "opened the directory";
  try {
    const database = await connectPglite({ dataDir: dir, lockWaitMs: 0 });
    try {
      await writeDump(file, await (database.db as unknown as { $client: PGlite }).$client.dumpDataDir("gzip"));
    } finally {
      await database.close();
    }
  } catch (error) {
    if (!(error instanceof EmbeddedDirectoryInUseError)) throw error;
    via = `asked the running process (pid ${error.holder?.pid ?? "?"})`;
    await requestBackupFromHolder(dir, file);
  }
  console.log(`backup of ${dir} written to ${file} (${fs.statSync(file).size.toLocaleString("en-US")} bytes; ${via})`);
} catch (error) {
  console.error(`backup failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
