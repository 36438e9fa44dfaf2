import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import { address, addressUpdated, archived, registered, renamed } from "@/lib/domain/customer/builders";
import type { EventStore, RecordedEvent } from "@/lib/eventstore";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { allReadTables, andThen, checkpointOf, givenCustomer, project, quietLog, storeOf } from "@/lib/testing/projections";
import { customerListProjection, projections } from "./index";
import { ProjectionRunner, type BatchInfo } from "./runner";
import { readStatuses } from "./status";
import type { Projection } from "./types";
import { verifyProjection } from "./verify";

/** Registrations, moves, renames and archives of `customers` customers (about 2.3 events each). */
async function someHistory(store: EventStore, customers: number, seed: number) {
  const cities = ["Boston", "Cambridge", "boston", "Oslo", "Bergen"];
  for (let i = 0; i < customers; i++) {
    const c = await givenCustomer(store, [registered({ name: `Customer ${seed}-${i}`, address: address({ city: cities[(i + seed) % 5] }) })]);
    if (i % 2 === 0) await andThen(store, c.id, [addressUpdated(address({ city: cities[(i * 7 + seed) % 5] }))]);
    if (i % 3 === 0) await andThen(store, c.id, [renamed(`Renamed ${seed}-${i}`, `Customer ${seed}-${i}`)]);
    if (i % 5 === 0) await andThen(store, c.id, [archived()]);
  }
}

const tablesOf = (list: readonly Projection[]) => list.flatMap((p) => p.tables);

async function indexesOf(db: Db) {
  const tables = tablesOf(projections).map((t) => `'${t}'`).join(", ");
  return [...(await query(db, sql.raw(`select tablename, indexname, indexdef from pg_indexes where tablename in (${tables}) order by 1, 2`)))];
}

/** As before a projection's first run: no checkpoint, empty tables. */
async function forget(db: Db, list: readonly Projection[]) {
  await db.execute(sql`delete from projection_checkpoints`);
  for (const table of tablesOf(list)) await db.execute(sql.raw(`truncate "${table}"`));
}

const eventCount = async (db: Db) => Number((await query<{ n: number | string }>(db, sql`select count(*) as n from events`))[0].n);

await describeEachDatabase("a projection built from empty", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  let incremental: Awaited<ReturnType<typeof allReadTables>>;
  let indexes: unknown[];
  before(async () => {
    t = await create();
    store = storeOf(t.database);
    await someHistory(store, 24, 1);
    // The reference: the same log followed the ordinary way, in small batches.
    await project(t.database, { batchSize: 7, buildFromEmptyMinEvents: Infinity });
    incremental = await allReadTables(db());
    indexes = await indexesOf(db());
  });
  after(() => t.drop());
  const db = () => t.database.db;

  it("is built in key-only shadow tables, indexed last and swapped in; the live tables stay empty until then", async () => {
    await forget(db(), projections);
    const head = await eventCount(db());
    const seen: { batch: BatchInfo; liveRows: number; liveApplied: number; shadowIndexes: number }[] = [];
    await project(t.database, {
      rebuildBatchSize: 9,
      buildFromEmptyMinEvents: 10,
      async beforeCommit(tx, batch) {
        const projection = projections.find((p) => p.name === batch.projection)!;
        const table = projection.tables[0];
        const [live] = await query<{ n: number | string }>(tx, sql.raw(`select count(*) as n from "${table}"`));
        const checkpoint = await checkpointOf(tx, projection.name);
        const [shadow] = await query<{ n: number | string }>(
          tx,
          sql`select count(*) as n from pg_index i join pg_class c on c.oid = i.indrelid
              where c.relname = ${`${table}__rebuild`} and not i.indisunique`,
        );
        seen.push({ batch, liveRows: Number(live.n), liveApplied: Number(checkpoint.events_applied), shadowIndexes: Number(shadow.n) });
      },
    });
    for (const projection of projections) {
      const batches = seen.filter((s) => s.batch.projection === projection.name);
      assert.ok(batches.length >= 3, `${projection.name}: ${batches.length} batches`);
      // Every batch went to the rebuild, while the live tables were empty and their checkpoint at the start,
      // into shadows without their secondary indexes.
      assert.deepEqual(
        batches.map((s) => [s.batch.rebuild, s.liveRows, s.liveApplied, s.shadowIndexes]),
        batches.map(() => [true, 0, 0, 0]),
        projection.name,
      );
      const checkpoint = await checkpointOf(db(), projection.name);
      assert.equal(Number(checkpoint.events_applied), head, projection.name);
      assert.equal(checkpoint.status, "running");
    }
    assert.deepEqual(await allReadTables(db()), incremental);
    assert.deepEqual(await indexesOf(db()), indexes);
    assert.equal((await query(db(), sql`select name from projection_checkpoints where name like '%\\_\\_rebuild'`)).length, 0);
    assert.equal((await query(db(), sql`select tablename from pg_tables where tablename like '%\\_\\_rebuild'`)).length, 0);
  });

  it("stopped half-way, it leaves the live table empty at the start of the log, says rebuilding, and the next runner finishes it", async () => {
    await forget(db(), [customerListProjection]);
    let batches = 0;
    let stopped: Promise<void> = Promise.resolve();
    const runner: ProjectionRunner = new ProjectionRunner(t.database, [customerListProjection], {
      log: quietLog,
      rebuildBatchSize: 5,
      buildFromEmptyMinEvents: 10,
      onBatch: () => {
        if (++batches === 2) stopped = runner.stop();
      },
    });
    await runner.start();
    for (let i = 0; i < 500 && batches < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await stopped;
    assert.ok(batches >= 2 && batches < 10, `${batches} batches`);
    const [live] = await query<{ n: number | string }>(db(), sql`select count(*) as n from customer_list`);
    const [shadow] = await query<{ n: number | string }>(db(), sql`select count(*) as n from customer_list__rebuild`);
    assert.equal(Number(live.n), 0);
    assert.ok(Number(shadow.n) > 0);
    assert.equal(Number((await checkpointOf(db(), "customer_list")).events_applied), 0);
    const [status] = await readStatuses(db(), [customerListProjection], { localRunner: true });
    assert.equal(status.status, "rebuilding");
    assert.equal(status.rebuild?.processed, batches * 5);

    await project(t.database, { projections: [customerListProjection], buildFromEmptyMinEvents: 10 });
    assert.deepEqual((await allReadTables(db())).customer_list, incremental.customer_list);
    const report = await verifyProjection(db(), store.codec, customerListProjection);
    assert.equal(report.mismatchCount, 0);
  });

  it("follows the log the ordinary way when its table has rows, when it has applied events, or when the log is short", async () => {
    const rebuilt = (batches: BatchInfo[]) => batches.filter((b) => b.rebuild).length;
    const run = async (minEvents: number) => {
      const batches: BatchInfo[] = [];
      await project(t.database, { projections: [customerListProjection], buildFromEmptyMinEvents: minEvents, onBatch: (b) => void batches.push(b) });
      return batches;
    };
    // A log shorter than the threshold.
    await forget(db(), [customerListProjection]);
    const head = await eventCount(db());
    const short = await run(head + 1);
    assert.equal(rebuilt(short), 0);
    assert.ok(short.length > 0);
    // Rows in the table (a checkpoint deleted by hand): replayed over them, as before.
    await db().execute(sql`delete from projection_checkpoints`);
    assert.equal(rebuilt(await run(1)), 0);
    assert.deepEqual((await allReadTables(db())).customer_list, incremental.customer_list);
    // Past the start: new events are applied to the live table.
    await someHistory(store, 3, 9);
    assert.equal(rebuilt(await run(1)), 0);
    assert.equal((await verifyProjection(db(), store.codec, customerListProjection)).mismatchCount, 0);
  });

  // The traceparent, read either way, is covered by the tracing test (lib/observability/tracing.pg.test.ts).
  it("reads each event's metadata only for projections that say they read it", async () => {
    const seen: Record<string, RecordedEvent["metadata"][]> = { plain: [], reader: [] };
    const spy = (name: string, readsMetadata: boolean): Projection => ({
      name: `test_metadata_${name}`,
      tables: [],
      canHandle: ["CustomerRegistered"],
      readsMetadata,
      async handle(_tx, events) {
        seen[name].push(...events.map((e) => e.metadata));
      },
    });
    await project(t.database, { projections: [spy("plain", false)] });
    await project(t.database, { projections: [spy("reader", true)] });
    assert.ok(seen.plain.length > 20);
    assert.equal(seen.plain.length, seen.reader.length);
    for (const metadata of seen.plain) assert.deepEqual(metadata, {});
    for (const metadata of seen.reader) {
      assert.equal(typeof metadata.commandId, "string");
      assert.equal(typeof metadata.actor, "string");
    }
  });
});
