/**
 * The scratch database of an explore script: created empty on the bench's server
 * (BENCH_ADMIN_URL, as `npm run bench`), named after the process, dropped by `drop()` (which
 * ends its sessions, so pools still open do not hold it).
 */
import { connectPostgres, type Database } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { ADMIN_URL, asAdmin } from "../lib/targets";

export interface Scratch {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** An empty database; `tag` tells one script's databases from another's in `\l`. */
export async function scratchDatabase(tag = ""): Promise<Scratch> {
  const name = `ledger_explore_${tag ? `${tag}_` : ""}${process.pid}`;
  await asAdmin(`create database ${name}`);
  return {
    name,
    url: Object.assign(new URL(ADMIN_URL), { pathname: `/${name}` }).toString(),
    drop: () => asAdmin(`drop database if exists ${name} with (force)`),
  };
}

/** A database with the app's schema, and the app's own connection to it (a pool of `max`). */
export async function migratedScratch(max: number, tag = ""): Promise<Scratch & { database: Database }> {
  const scratch = await scratchDatabase(tag);
  const database = await connectPostgres({ url: scratch.url, max });
  await migrateDatabase(database, scratch.url);
  return { ...scratch, database };
}
