import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import { registerCustomer } from "@/lib/commands/customer";
import { address, addressUpdated, archived, registered, renamed } from "@/lib/domain/customer/builders";
import { headPosition, type EventStore } from "@/lib/eventstore";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { ProjectionNotFoundError } from "./errors";
import { projections } from "./index";
import { readYourWrites } from "./read-your-writes";
import { requestRebuild } from "./runner";
import { startProjections, type ProjectionRuntime } from "./runtime";
import { readStatuses } from "./status";
import { allReadTables, andThen, checkpointOf, givenCustomer, project, quietLog, storeOf } from "@/lib/testing/projections";
import type { Projection } from "./types";

/** A varied log: registrations, renames, moves between cities (in mixed case), archives. */
async function someHistory(store: EventStore, customers: number, seed: number) {
  const cities = ["Boston", "Cambridge", "boston", "Oslo", "Bergen", "CAMBRIDGE"];
  const ids: string[] = [];
  for (let i = 0; i < customers; i++) {
    const c = await givenCustomer(store, [
      registered({ name: `Customer ${seed}-${i}`, address: address({ city: cities[(i + seed) % cities.length] }) }),
    ]);
    ids.push(c.id);
    if (i % 2 === 0) await andThen(store, c.id, [addressUpdated(address({ city: cities[(i * 7 + seed) % cities.length] }))]);
    if (i % 3 === 0) await andThen(store, c.id, [renamed(`Renamed ${seed}-${i}`, `Customer ${seed}-${i}`)]);
    if (i % 5 === 0) await andThen(store, c.id, [archived()]);
  }
  return ids;
}

async function readTableIndexes(db: Db) {
  return query<{ tablename: string; indexname: string; indexdef: string }>(
    db,
    sql`select tablename, indexname, indexdef from pg_indexes
        where tablename in ('customer_list', 'customer_search', 'city_totals', 'city_totals_customers')
        order by tablename, indexname`,
  );
}

await describeEachDatabase("projection runner", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  before(async () => {
    t = await create();
    store = storeOf(t.database);
  });
  after(() => t.drop());
  const db = () => t.database.db;

  it("a rebuild ends equal to the incrementally built tables, with the same indexes, and shows progress", async () => {
    // Incrementally: small batches, appends in between.
    await someHistory(store, 12, 1);
    await project(t.database, { batchSize: 3 });
    await someHistory(store, 12, 2);
    await project(t.database, { batchSize: 2 });
    const incremental = await allReadTables(db());
    const indexes = await readTableIndexes(db());
    const [head] = await query<{ n: number | string }>(db(), sql`select count(*) as n from events`);

    for (const projection of projections) assert.equal(await requestRebuild(db(), projection), true);
    // A second request while one runs changes nothing.
    assert.equal(await requestRebuild(db(), projections[0]), false);
    const during = await readStatuses(db(), projections, { localRunner: true });
    for (const status of during) {
      assert.equal(status.status, "rebuilding", status.name);
      assert.deepEqual({ processed: status.rebuild?.processed, total: status.rebuild?.total }, { processed: 0, total: Number(head.n) });
    }
    // The live tables still serve while the shadows are empty.
    assert.deepEqual(await allReadTables(db()), incremental);

    await project(t.database, { batchSize: 1000 });

    assert.deepEqual(await allReadTables(db()), incremental);
    assert.deepEqual(await readTableIndexes(db()), indexes);
    const leftovers = await query(db(), sql`select name from projection_checkpoints where name like '%\\_\\_rebuild'`);
    assert.equal(leftovers.length, 0);
    const shadows = await query(db(), sql`select tablename from pg_tables where tablename like '%\\_\\_rebuild'`);
    assert.equal(shadows.length, 0);
    for (const status of await readStatuses(db(), projections, { localRunner: true })) {
      assert.equal(status.status, "running", status.name);
      assert.equal(status.lag, 0);
      assert.equal(status.rebuild, undefined);
    }
  });

  it("replaying the log over existing rows (checkpoints lost) changes nothing, batches of new customers included", async () => {
    // Enough registrations in one batch for the projections to insert them without reading first.
    await someHistory(store, 45, 3);
    await project(t.database);
    const before = await allReadTables(db());
    const [head] = await query<{ n: number | string }>(db(), sql`select count(*) as n from events`);
    await db().execute(sql`delete from projection_checkpoints`);
    assert.ok(Number(head.n) < 500, "the whole log fits in one batch");
    const batches: Record<string, number> = {};
    await project(t.database, { onBatch: (b) => void (batches[b.projection] = (batches[b.projection] ?? 0) + 1) });
    // One batch each, none failed on the way: a failed batch is rolled back and redone one event
    // per transaction. The rows that exist are found and folded, not inserted again.
    assert.deepEqual(batches, Object.fromEntries(projections.map((p) => [p.name, 1])));
    assert.deepEqual(await allReadTables(db()), before);
    for (const projection of projections) {
      const checkpoint = await checkpointOf(db(), projection.name);
      assert.equal(Number(checkpoint.events_applied), Number(head.n), projection.name);
      assert.equal(checkpoint.status, "running", projection.name);
    }
  });

  describe("a projector that fails on an event", () => {
    let broken = true;
    let seenTable = "";
    const flaky: Projection = {
      name: "test_flaky",
      tables: ["test_seen"],
      canHandle: ["CustomerRegistered"],
      // The `park` policy has its own test (parking.int.test.ts).
      failurePolicy: { mode: "halt" },
      async handle(tx, events, table) {
        for (const event of events) {
          if (broken && (event.data as { name: string }).name === "Boom") throw new Error("cannot project Boom");
          await tx.execute(sql`insert into ${table("test_seen")} (position, stream_id) values (${event.position}, ${event.streamId})`);
        }
      },
    };
    before(async () => {
      seenTable = "test_seen";
      await db().execute(sql`create table test_seen (position bigint primary key, stream_id text not null)`);
    });

    it("reports failed with the event's position and the error, and resumes from that event once fixed", async () => {
      const good1 = await givenCustomer(store, [registered({ name: "Good One" })]);
      const good2 = await givenCustomer(store, [registered({ name: "Good Two" })]);
      const boom = await givenCustomer(store, [registered({ name: "Boom" })]);
      const good3 = await givenCustomer(store, [registered({ name: "Good Three" })]);
      const runtime = await startProjections(t.database, store, {
        inProcess: true,
        projections: [flaky],
        runner: { retryInitialMs: 50, retryMaxMs: 200, log: quietLog },
      });
      try {
        let status = (await runtime.status())[0];
        for (let i = 0; i < 300 && status.status !== "failed"; i++) {
          await sleep(20);
          status = (await runtime.status())[0];
        }
        assert.equal(status.status, "failed", JSON.stringify(status) + JSON.stringify(quietLog.lines.slice(-5)));
        assert.equal(status.errorPosition, boom.events[0].position);
        assert.match(status.error ?? "", /cannot project Boom/);
        // Stopped exactly at the failing event: everything before it applied, nothing after.
        const mine = [good1, good2, boom, good3].map((c) => `'${c.streamId}'`).join(", ");
        const seenOf = () =>
          query<{ position: number | string }>(
            db(),
            sql.raw(`select position from ${seenTable} where stream_id in (${mine}) order by position`),
          );
        const seen = await seenOf();
        assert.deepEqual(seen.map((r) => Number(r.position)), [good1.events[0].position, good2.events[0].position]);
        assert.equal(status.position, good2.events[0].position);
        // It keeps retrying (with back-off), and never skips.
        assert.equal(await runtime.waitFor(good3.events[0].position, 300), false);

        broken = false;
        assert.equal(await runtime.waitFor(good3.events[0].position, 5000), true);
        const after = await seenOf();
        assert.deepEqual(
          after.map((r) => Number(r.position)),
          [good1, good2, boom, good3].map((c) => c.events[0].position),
        );
        status = (await runtime.status())[0];
        assert.equal(status.status, "running");
        assert.equal(status.error, undefined);
        const checkpoint = await checkpointOf(db(), "test_flaky");
        assert.equal(checkpoint.error, null);
      } finally {
        await runtime.stop();
      }
    });
  });

  describe("the runtime", () => {
    let runtime: ProjectionRuntime;
    before(async () => {
      // Polling every minute: only the notification can wake the runner in time.
      runtime = await startProjections(t.database, store, { inProcess: true, runner: { pollMs: 60_000, log: quietLog } });
    });
    after(() => runtime.stop());

    it("is woken by the append: a command's position is in the customer list well before the next poll", async () => {
      for (let i = 0; i < 5; i++) {
        const result = await registerCustomer({ name: `Waiter ${i}`, address: address({ city: "Waitsfield" }) }, { store });
        assert.ok(result.ok);
        assert.equal(await readYourWrites(runtime, result, { timeoutMs: 5000 }), true);
        const rows = await query(db(), sql`select 1 from customer_list where id = ${result.id}`);
        assert.equal(rows.length, 1);
      }
    });

    it("waitFor is bounded: a position nobody has written yet resolves false after the timeout", async () => {
      const position = await headPosition(store.db);
      const started = Date.now();
      assert.equal(await runtime.waitFor(position + 1000, 200), false);
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 190 && elapsed < 2000, `waited ${elapsed} ms`);
      assert.equal(await runtime.waitFor(null), true);
    });

    it("status lists every projection with position, head, lag and state", async () => {
      const result = await registerCustomer({ name: "Status Check", address: address() }, { store });
      assert.ok(result.ok);
      await runtime.waitFor(result.position);
      const statuses = await runtime.status();
      assert.deepEqual(statuses.map((s) => s.name), ["customer_list", "customer_search", "city_totals", "customer_history", "activity_by_day"]);
      for (const s of statuses) {
        assert.equal(s.status, "running");
        assert.equal(s.headPosition, result.position);
        assert.equal(s.position, result.position);
        assert.equal(s.lag, 0);
        assert.equal(s.lagSeconds, 0);
      }
    });

    it("rebuild starts at once and is swapped in by the running projectors; an unknown name is not_found", async () => {
      await assert.rejects(runtime.rebuild("no_such_projection"), ProjectionNotFoundError);
      const before = await allReadTables(db());
      await runtime.rebuild("customer_list");
      const status = (await runtime.status()).find((s) => s.name === "customer_list");
      assert.ok(status?.status === "rebuilding" || status?.status === "running");
      for (let i = 0; i < 200; i++) {
        const s = (await runtime.status()).find((x) => x.name === "customer_list");
        if (!s?.rebuild) break;
        await sleep(25);
      }
      assert.equal((await runtime.status()).find((s) => s.name === "customer_list")?.rebuild, undefined);
      assert.deepEqual(await allReadTables(db()), before);
    });
  });
});
