import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { connectPostgres, rawQuery, type Database } from "@/db/client";
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from "@/lib/testing/test-db";

// The pool hands out its most recently used idle connection (postgres.js, patched: see
// patches/postgres+3.4.9.patch). Taking the longest idle one made one writer's statements
// alternate between backends, each woken cold: 20-30 % fewer appends per second at c=1
// (bench/explore, docs/performance.md round 6).

await describePostgres("the pool's choice of idle connection", () => {
  let t: TestDatabase;
  let database: Database;
  before(async () => {
    t = await createPostgresTestDatabase({ max: 1 });
    database = await connectPostgres({ url: t.url!, max: 4 });
  });
  after(async () => {
    await database.close();
    await t.drop();
  });

  const backend = async () => (await rawQuery<{ pid: number }>(database.db, "select pg_backend_pid() as pid", []))[0].pid;

  it("serves statements one after another from the connection used last, with others open", async () => {
    // Four statements at once open four connections.
    const opened = await Promise.all([1, 2, 3, 4].map(() => rawQuery<{ pid: number }>(database.db, "select pg_backend_pid() as pid, pg_sleep(0.05)", [])));
    assert.equal(new Set(opened.map(([row]) => row.pid)).size, 4, "four connections are open");
    const first = await backend();
    const next = [];
    for (let i = 0; i < 8; i++) next.push(await backend());
    assert.deepEqual(next, Array(8).fill(first), "one writer stays on one backend");
  });

  it("still spreads concurrent statements over the open connections", async () => {
    const pids = await Promise.all([1, 2, 3, 4].map(() => rawQuery<{ pid: number }>(database.db, "select pg_backend_pid() as pid, pg_sleep(0.05)", [])));
    assert.equal(new Set(pids.map(([row]) => row.pid)).size, 4);
  });

  it("runs a transaction on the connection used last as well", async () => {
    const last = await backend();
    const inside = await database.db.transaction(async (tx) => (await rawQuery<{ pid: number }>(tx, "select pg_backend_pid() as pid", []))[0].pid);
    assert.equal(inside, last);
  });
});
