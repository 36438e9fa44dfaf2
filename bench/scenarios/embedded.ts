import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { connectPglite } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { createEventStore, type EventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/commands/event-registry";
import type { BenchContext, RawClient, Scenario } from "../lib/context";
import { createBareTable } from "../lib/bare";
import { createLimitTable } from "../lib/limits";
import { measureAppendOne } from "./append-one";
import { measureReadStream } from "./read-stream";

/**
 * append-one (concurrency 1: PGlite has one connection) and read-stream on embedded PGlite, in
 * a data directory like the app's default, with PGlite's own baselines. Reported, no goal yet.
 */
export const embedded: Scenario = {
  id: "embedded",
  title: "append-one and read-stream on PGlite (a data directory, as the app uses by default)",
  async run(ctx) {
    if (ctx.kind === "pglite") {
      ctx.log("the whole run is on PGlite: see append-one and read-stream above");
      return;
    }
    const database = await connectPglite({ dataDir: path.join(ctx.tmpDir, "embedded") });
    try {
      await migrateDatabase(database);
      const client = (database.db as unknown as { $client: PGlite }).$client;
      const raw: RawClient = {
        query: async (text, params = []) => (await client.query(text, params)).rows as never,
        close: async () => {},
      };
      const sub: BenchContext = { ...ctx, kind: "pglite", database, raw, url: undefined, store: createEventStore(database.db, eventRegistry) };
      await createLimitTable(sub);
      await createBareTable(sub);
      await measureAppendOne(sub, { scenario: "embedded", concurrency: [1], casePrefix: "append-one " });
      await measureReadStream(sub, { scenario: "embedded", size: ctx.config.streamEvents, goal: false });
    } finally {
      await database.close();
    }
  },
};
