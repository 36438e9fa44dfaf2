import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, it } from "node:test";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { registered } from "@/lib/domain/customer/builders";
import type { EventStore } from "@/lib/eventstore";
import { givenCustomer, quietLog, storeOf } from "@/lib/testing/projections";
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from "@/lib/testing/test-db";
import { isLostConnection } from "./errors";
import { startProjections, type ProjectionRuntime } from "./runtime";
import type { Projection } from "./types";

/**
 * A connection lost under a batch is nobody's event: it never counts toward parking. The
 * projection below parks an event at its first failure, and ends its own database session
 * (`pg_terminate_backend(pg_backend_pid())`: what a restart or a cut link does) the first three
 * times it sees one chosen event. Before connection losses were told apart, that event was parked.
 */
await describePostgres("a lost connection does not park a healthy event", () => {
  let t: TestDatabase;
  let store: EventStore;
  let runtime: ProjectionRuntime;
  let cuts = 0;
  let victim = "";
  const cutter: Projection = {
    name: "test_cutter",
    tables: ["test_cut_applied"],
    canHandle: ["CustomerRegistered"],
    failurePolicy: { mode: "park", retries: 1 },
    async handle(tx, events, table) {
      for (const event of events) {
        if (event.streamId === victim && cuts < 3) {
          cuts++;
          await tx.execute(sql`select pg_terminate_backend(pg_backend_pid())`);
        }
        await tx.execute(sql`insert into ${table("test_cut_applied")} (position, stream_id) values (${event.position}, ${event.streamId})`);
      }
    },
  };

  before(async () => {
    t = await createPostgresTestDatabase();
    store = storeOf(t.database);
    await t.database.db.execute(sql`create table test_cut_applied (position bigint primary key, stream_id text not null)`);
  });
  after(async () => {
    await runtime?.stop();
    await t.drop();
  });

  it("the event whose batch lost its connection three times is applied once, and nothing is parked", async () => {
    const before = await givenCustomer(store, [registered({ name: "Before" })]);
    victim = (await givenCustomer(store, [registered({ name: "Cut Under" })])).streamId;
    const later = await givenCustomer(store, [registered({ name: "After" })]);
    runtime = await startProjections(t.database, store, {
      inProcess: true,
      projections: [cutter],
      runner: { retryInitialMs: 20, retryMaxMs: 100, pollMs: 50, log: quietLog },
    });
    const applied = async () => (await query<{ stream_id: string }>(t.database.db, sql`select stream_id from test_cut_applied order by position`)).map((r) => r.stream_id);
    const deadline = Date.now() + 15_000;
    while ((await applied().catch(() => [])).length < 3 && Date.now() < deadline) await sleep(50);
    assert.equal(cuts, 3, "the projection cut its own connection three times");
    assert.deepEqual(await applied(), [before.streamId, victim, later.streamId]);
    const parked = await query<{ n: number }>(t.database.db, sql`select count(*)::int as n from parked_events`);
    assert.equal(parked[0].n, 0, "a healthy event was parked");
  });
});

it("isLostConnection: connection and shutdown errors, through Drizzle's wrapper; not a statement's own error", () => {
  const pg = (code: string) => Object.assign(new Error("pg"), { code });
  for (const code of ["57P01", "57P02", "57P03", "08006", "08003", "CONNECTION_CLOSED", "CONNECTION_ENDED", "ECONNREFUSED", "ECONNRESET"]) {
    assert.equal(isLostConnection(pg(code)), true, code);
    assert.equal(isLostConnection(new Error("Failed query: …", { cause: pg(code) })), true, `${code} wrapped`);
  }
  for (const code of ["23505", "22P02", "57014", "40001", "LG409"]) assert.equal(isLostConnection(pg(code)), false, code);
  assert.equal(isLostConnection(new Error("cannot project Poison")), false);
  assert.equal(isLostConnection(undefined), false);
});
