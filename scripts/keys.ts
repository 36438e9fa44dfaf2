// `npm run keys -- <command>`: the master key that wraps every customer's data key, on the
// database the app uses (DATABASE_URL, else the embedded one, which the app must not hold open).
//
//   rotate-master   re-wrap every data key under a new master key (events are not touched).
//                   The new key is LEDGER_NEW_MASTER_KEY (32 bytes, base64) when set, else generated.
//                   With the key file (LEDGER_MASTER_KEY unset) the file is replaced and the old
//                   one kept beside it as master-key.previous; with LEDGER_MASTER_KEY the new key
//                   is printed once: set LEDGER_MASTER_KEY to it before the next start.
import { randomBytes } from "node:crypto";
import { existsSync, renameSync, writeFileSync } from "node:fs";
import { connectFromEnv } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { defaultMasterKeyFile, loadMasterKey, parseMasterKey, rewrapAll } from "@/lib/eventstore";

const USAGE = "usage: npm run keys -- rotate-master";

async function rotateMaster() {
  const fromEnv = Boolean(process.env.LEDGER_MASTER_KEY);
  const file = defaultMasterKeyFile();
  if (!fromEnv && !existsSync(file)) throw new Error(`No master key: neither LEDGER_MASTER_KEY nor ${file} exists`);
  const oldKey = loadMasterKey();
  const newKey = process.env.LEDGER_NEW_MASTER_KEY
    ? parseMasterKey(process.env.LEDGER_NEW_MASTER_KEY, "LEDGER_NEW_MASTER_KEY")
    : randomBytes(32);
  // The new key is on disk before any data key depends on it, so a crash cannot lose it.
  const pending = `${file}.new`;
  if (!fromEnv) writeFileSync(pending, `${newKey.toString("base64")}\n`, { mode: 0o600 });
  const database = await connectFromEnv();
  try {
    await migrateDatabase(database, process.env.DATABASE_URL);
    const count = await rewrapAll(database.db, oldKey, newKey);
    console.log(`Re-wrapped ${count} data key${count === 1 ? "" : "s"} under the new master key.`);
  } finally {
    await database.close();
  }
  if (fromEnv) {
    console.log(`New master key (set LEDGER_MASTER_KEY to it now; it is not stored anywhere):\n${newKey.toString("base64")}`);
  } else {
    renameSync(file, `${file}.previous`);
    renameSync(pending, file);
    console.log(`The new key is in ${file}; the old one in ${file}.previous (delete it once your backups have the new one).`);
  }
}

const [command] = process.argv.slice(2);
try {
  if (command === "rotate-master") await rotateMaster();
  else {
    console.error(USAGE);
    process.exit(2);
  }
} catch (error) {
  console.error(`keys ${command} failed: ${(error as Error).message}`);
  process.exit(1);
}
