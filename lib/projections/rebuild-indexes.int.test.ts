import assert from "node:assert/strict";
import { it } from "node:test";
import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import { describeEachDatabase, suiteDb } from "@/lib/testing/test-db";
import { quietLog } from "@/lib/testing/projections";
import { customerListProjection } from "./index";
import { requestRebuild } from "./runner";
import { swapInRebuild } from "./runner/rebuild";

const indexNames = async (db: Db, table: string) =>
  (await query<{ name: string }>(db, sql`select indexname as name from pg_indexes where tablename = ${table} order by 1`)).map((r) => r.name);

/** An index expression that fails on the name 'boom' until `failing(db, false)` replaces it. */
async function failing(db: Db, fail: boolean) {
  await db.execute(
    sql.raw(`create or replace function ledger_test_index_value(v text) returns text language plpgsql immutable as $$
      begin ${fail ? "if v = 'boom' then raise exception 'index build failed on purpose'; end if;" : ""} return v; end $$`),
  );
}

await describeEachDatabase("a rebuild's indexes, built at the end", (kind, create) => {
  const db = suiteDb(create);

  it("a failed build fails the swap; the next attempt builds what is missing and swaps in every index", async () => {
    await failing(db(), false);
    await db().execute(sql`create index customer_list_boom_idx on customer_list ((ledger_test_index_value(name)))`);
    const live = await indexNames(db(), "customer_list");
    assert.ok(live.includes("customer_list_boom_idx") && live.length >= 6, live.join(", "));
    await failing(db(), true);

    assert.equal(await requestRebuild(db(), customerListProjection), true);
    await db().execute(sql`insert into customer_list__rebuild (id, stream_id, name, street, city, status, version, registered_at, updated_at)
      values ('00000000-0000-4000-8000-000000000001', 'customer-00000000-0000-4000-8000-000000000001', 'boom', 'S', 'C', 'active', 1, now(), now())`);
    const keysOnly = await indexNames(db(), "customer_list__rebuild");
    await assert.rejects(swapInRebuild(db(), customerListProjection, { worker: "test", log: quietLog }), (error: Error) =>
      /failed on purpose/.test(`${error.message} ${(error.cause as Error | undefined)?.message}`),
    );

    // PostgreSQL builds them side by side, each committing alone: the other four stay built.
    // PGlite builds them in the lease's transaction: none stays.
    const afterFailure = await indexNames(db(), "customer_list__rebuild");
    const built = afterFailure.filter((name) => !keysOnly.includes(name));
    assert.equal(built.includes("customer_list_boom_idx__rb"), false);
    assert.equal(built.length, kind === "postgres" ? live.length - keysOnly.length - 1 : 0, built.join(", "));
    assert.equal((await indexNames(db(), "customer_list")).length, live.length, "the live table is untouched");

    await failing(db(), false);
    assert.equal(await swapInRebuild(db(), customerListProjection, { worker: "test", log: quietLog }), "swapped");
    assert.deepEqual(await indexNames(db(), "customer_list"), live);
    const rows = await query<{ name: string }>(db(), sql`select name from customer_list`);
    assert.deepEqual(rows.map((r) => r.name), ["boom"]);
  });
});
