import assert from "node:assert/strict";
import crypto from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, it } from "node:test";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { ledgerStore } from "@/lib/commands/event-registry";
import { registered, renamed } from "@/lib/domain/customer/builders";
import type { EventStore } from "@/lib/eventstore";
import { andThen, givenCustomer, quietLog } from "@/lib/testing/projections";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { startProjections, type ProjectionRuntime } from "./runtime";
import type { Projection } from "./types";

/** Poll until `check` holds (or fail after `ms`). */
async function eventually(what: string, check: () => Promise<boolean>, ms = 8000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

await describeEachDatabase("a poison event is parked, not fatal", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  let runtime: ProjectionRuntime;
  let broken = true;
  let attempts = 0;
  // Records every event it applies, in order, with the name it read (personal data: encrypted in
  // the log, opened by the store's codec); cannot handle a customer named "Poison" while broken.
  const picky: Projection = {
    name: "test_picky",
    tables: ["test_applied"],
    canHandle: ["CustomerRegistered", "CustomerRenamed"],
    failurePolicy: { mode: "park", retries: 3 },
    async handle(tx, events, table) {
      for (const event of events) {
        const data = event.data as { name?: string; newName?: string };
        const name = data.name ?? data.newName;
        if (broken && name === "Poison") {
          if (events.length === 1) attempts++; // a failed batch of several is redone one by one first
          throw new Error("cannot project Poison");
        }
        await tx.execute(
          sql`insert into ${table("test_applied")} (position, stream_id, name) values (${event.position}, ${event.streamId}, ${name ?? null})`,
        );
      }
    },
  };
  const names = async (streamId: string) =>
    (await query<{ name: string }>(t.database.db, sql`select name from test_applied where stream_id = ${streamId} order by seq`)).map((r) => r.name);
  const applied = async (streamId: string) =>
    (
      await query<{ position: number | string }>(
        t.database.db,
        sql`select position from test_applied where stream_id = ${streamId} order by seq`,
      )
    ).map((r) => Number(r.position));

  before(async () => {
    t = await create();
    store = ledgerStore(t.database.db, crypto.randomBytes(32));
    await t.database.db.execute(
      sql`create table test_applied (seq bigserial primary key, position bigint not null unique, stream_id text not null, name text)`,
    );
    runtime = await startProjections(t.database, store, {
      inProcess: true,
      projections: [picky],
      runner: { retryInitialMs: 20, retryMaxMs: 80, pollMs: 50, log: quietLog },
    });
  });
  after(async () => {
    await runtime.stop();
    await t.drop();
  });

  it("parks after its retries; other streams go on, the stream's later events wait; retry applies them in order", async () => {
    const poison = await givenCustomer(store, [registered({ name: "Poison" })]);
    const other = await givenCustomer(store, [registered({ name: "Healthy" })]);
    await eventually("the event is parked", async () => (await runtime.status())[0].parked === 1);
    assert.equal(attempts, 3, "parked after exactly its 3 attempts");
    const status = (await runtime.status())[0];
    assert.equal(status.status, "running");

    // Later events: the poisoned stream's wait behind it, another stream's are applied.
    const waiting1 = await andThen(store, poison.id, [renamed("Still Poison 1", "Poison")]);
    const waiting2 = await andThen(store, poison.id, [renamed("Still Poison 2", "Still Poison 1")]);
    const later = await andThen(store, other.id, [renamed("Healthy Two", "Healthy")]);
    assert.equal(await runtime.waitFor(later[0].position, 5000), true);
    assert.deepEqual(await applied(other.streamId), [other.events[0].position, later[0].position]);
    assert.deepEqual(await applied(poison.streamId), []);
    const parked = await runtime.parked();
    assert.deepEqual(
      parked.map((p) => [p.position, p.state]),
      [
        [poison.events[0].position, "parked"],
        [waiting1[0].position, "waiting"],
        [waiting2[0].position, "waiting"],
      ],
    );
    assert.match(parked[0].error ?? "", /cannot project Poison/);

    // A retry before the fix changes nothing but the error count.
    const early = await runtime.resolveParked("retry", "test_picky", poison.events[0].position, "user:admin");
    assert.equal(early.applied, 0);
    assert.equal(early.stillParked?.position, poison.events[0].position);
    assert.deepEqual(await applied(poison.streamId), []);

    broken = false;
    const fixed = await runtime.resolveParked("retry", "test_picky", poison.events[0].position, "user:admin");
    assert.deepEqual(fixed, { applied: 3 });
    assert.deepEqual(await applied(poison.streamId), [poison.events[0].position, waiting1[0].position, waiting2[0].position]);
    // Applied as the runner applies events: personal fields opened, not as stored (sealed).
    assert.deepEqual(await names(poison.streamId), ["Poison", "Still Poison 1", "Still Poison 2"]);
    assert.deepEqual(await runtime.parked(), []);
    assert.equal((await runtime.status())[0].parked, 0);

    // The stream is free again: its next event is applied as usual.
    const next = await andThen(store, poison.id, [renamed("Cured", "Still Poison 2")]);
    assert.equal(await runtime.waitFor(next[0].position, 5000), true);
    assert.equal((await applied(poison.streamId)).at(-1), next[0].position);
  });

  it("skip never applies the parked event, applies those behind it, and records who skipped", async () => {
    broken = true;
    const poison = await givenCustomer(store, [registered({ name: "Poison" })]);
    await eventually("the event is parked", async () => (await runtime.parked()).some((p) => p.position === poison.events[0].position));
    const behind = await andThen(store, poison.id, [renamed("After Poison", "Poison")]);
    await eventually("the later event waits", async () => (await runtime.parked()).length === 2);
    const outcome = await runtime.resolveParked("skip", "test_picky", poison.events[0].position, "user:skipper");
    assert.deepEqual(outcome, { applied: 1 });
    assert.deepEqual(await applied(poison.streamId), [behind[0].position]);
    assert.deepEqual(await names(poison.streamId), ["After Poison"]);
    const [record] = await query<{ resolution: string; resolved_by: string }>(
      t.database.db,
      sql`select resolution, resolved_by from parked_events where position = ${poison.events[0].position}`,
    );
    assert.deepEqual({ ...record }, { resolution: "skipped", resolved_by: "user:skipper" });
    // The record, newest first: the skipped event, then the one retried behind it.
    const resolved = (await runtime.resolvedParked()).slice(0, 2);
    assert.deepEqual(
      resolved.map((r) => [r.position, r.resolution, r.resolvedBy]),
      [
        [behind[0].position, "retried", "user:skipper"],
        [poison.events[0].position, "skipped", "user:skipper"],
      ],
    );
    await assert.rejects(runtime.resolveParked("skip", "test_picky", poison.events[0].position, "user:skipper"), /No parked event/);
  });
});
