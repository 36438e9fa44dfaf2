import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { projections } from "@/lib/projections";
import { quietLog } from "@/lib/testing/projections";
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from "@/lib/testing/test-db";
import { appLedgerConfig, createLedger } from "./ledger";

// The app's own ledger on PostgreSQL with DATABASE_POOL_SIZE=3: the pool createLedger opens has
// room for every projection lane (the worker had this floor; the app's runners stalled without it).

await describePostgres("the app's pool floor", () => {
  let t: TestDatabase;
  before(async () => {
    t = await createPostgresTestDatabase({ max: 2 });
  });
  after(() => t.drop());

  it("createLedger with the app's config and DATABASE_POOL_SIZE=3 opens a pool of projections + 2", async () => {
    const { source, options } = appLedgerConfig({ DATABASE_URL: t.url!, DATABASE_POOL_SIZE: "3" } as Record<string, string> as NodeJS.ProcessEnv);
    const ledger = await createLedger(source, {
      ...options,
      identity: false,
      masterKey: null,
      projections: { ...options.projections!, runner: { log: quietLog } },
    });
    try {
      assert.equal(ledger.projections?.inProcess, true);
      const client = (ledger.database.db as unknown as { $client: { options: { max: number } } }).$client;
      assert.equal(client.options.max, projections.length + 2);
    } finally {
      await ledger.close();
    }
  });
});
