/**
 * `npm run db:migrate`: apply pending migrations to the database the environment names
 * (DATABASE_URL → PostgreSQL, else the app's PGlite directory), then exit. The app and the
 * workers also migrate at start; this is for deploys that migrate as a separate step.
 */
import { connectFromEnv } from "./client";
import { migrateDatabase } from "./migrate";

const database = await connectFromEnv();
try {
  await migrateDatabase(database, process.env.DATABASE_URL);
  console.log(`migrated ${database.describe}`);
} catch (error) {
  console.error(`migration of ${database.describe} failed:`, error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await database.close();
}
