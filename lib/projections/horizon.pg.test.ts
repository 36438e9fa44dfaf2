import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, it } from "node:test";
import postgres from "postgres";
import { v7 as uuidv7 } from "uuid";
import { connectPostgres, query, type Database } from "@/db/client";
import { sql } from "drizzle-orm";
import { registerCustomer } from "@/lib/commands/customer";
import { eventRegistry } from "@/lib/commands/event-registry";
import { address, registered } from "@/lib/domain/customer/builders";
import { customerStreamId } from "@/lib/domain/customer/events";
import { createEventStore, InvalidAppendError, lockForAppend, type EventStore } from "@/lib/eventstore";
import { quietLog, storeOf } from "@/lib/testing/projections";
import { createPostgresTestDatabase, describePostgres, TEST_POSTGRES_URL, type TestDatabase } from "@/lib/testing/test-db";
import { startProjections, type ProjectionRuntime } from "./runtime";

/** Register a customer and measure how long until the customer list has it. */
async function lagOfOneRegistration(store: EventStore, runtime: ProjectionRuntime, timeoutMs: number) {
  const result = await registerCustomer({ name: `Horizon ${uuidv7().slice(-6)}`, address: address() }, { store });
  assert.ok(result.ok);
  const started = Date.now();
  const reached = await runtime.waitFor(result.position, timeoutMs, { projections: ["customer_list"] });
  return { reached, ms: Date.now() - started, id: result.id };
}

await describePostgres("the follower horizon is held only by appends in flight", () => {
  let t: TestDatabase;
  let store: EventStore;
  let runtime: ProjectionRuntime;
  let other: Database;
  before(async () => {
    t = await createPostgresTestDatabase();
    store = storeOf(t.database);
    runtime = await startProjections(t.database, store, { inProcess: true, runner: { pollMs: 50, log: quietLog } });
    other = await connectPostgres({ url: t.url!, max: 2, session: { applicationName: "held-open-append" } });
  });
  after(async () => {
    await runtime.stop();
    await other.close();
    await t.drop();
  });

  for (const where of ["this database", "another database"]) {
    it(`an open transaction that has written nothing, on ${where}, does not delay a projection`, async () => {
      const client = postgres(where === "this database" ? t.url! : TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
      const open = await client.reserve();
      try {
        await open`begin`;
        await open`select pg_current_xact_id()`;
        for (let i = 0; i < 3; i++) {
          const { reached, ms } = await lagOfOneRegistration(store, runtime, 3000);
          assert.ok(reached && ms < 1000, `the projection waited ${ms} ms for an unrelated open transaction`);
        }
      } finally {
        await open`rollback`.catch(() => {});
        open.release();
        await client.end({ timeout: 2 });
      }
    });
  }

  it("an open append transaction holds followers back, and status names it (pid, application, age)", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    let appended = () => {};
    const inFlight = new Promise<void>((resolve) => (appended = resolve));
    const holding = other.db.transaction(async (tx) => {
      await createEventStore(tx, eventRegistry).append(customerStreamId(uuidv7()), [registered({ name: "Held Open" })], {
        expectedVersion: "no_stream",
      });
      appended();
      await gate;
    });
    try {
      await inFlight;
      const { reached } = await lagOfOneRegistration(store, runtime, 1500);
      assert.equal(reached, false, "a follower read past an append still in flight");
      const statuses = await runtime.status();
      for (const status of statuses) {
        assert.equal(status.heldBackBy?.applicationName, "held-open-append", JSON.stringify(status));
        assert.ok(status.heldBackBy.pid > 0);
        assert.ok(status.heldBackBy.ageSeconds > 1 && status.heldBackBy.ageSeconds < 10);
      }
    } finally {
      release();
      await holding;
    }
    const later = await lagOfOneRegistration(store, runtime, 3000);
    assert.ok(later.reached && later.ms < 1000);
    const [{ count }] = await query<{ count: number }>(t.database.db, sql`select count(*)::int as count from customer_list where name = 'Held Open'`);
    assert.equal(count, 1, "the held append reached the read table once it committed");
    assert.equal((await runtime.status())[0].heldBackBy, undefined);
  });

  it("an append after other writes in its transaction is refused, unless the append lock came first", async () => {
    const append = (tx: Parameters<typeof createEventStore>[0]) =>
      createEventStore(tx, eventRegistry).append(customerStreamId(uuidv7()), [registered({ name: "Late Lock" })], {
        expectedVersion: "no_stream",
      });
    await assert.rejects(
      t.database.db.transaction(async (tx) => {
        await query(tx, sql`select pg_current_xact_id()`);
        await append(tx);
      }),
      InvalidAppendError,
    );
    await t.database.db.transaction(async (tx) => {
      await lockForAppend(tx);
      await query(tx, sql`select pg_current_xact_id()`);
      await append(tx);
    });
  });
});
