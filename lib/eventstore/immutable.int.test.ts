import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { query } from "@/db/client";
import { eventRegistry } from "@/lib/commands/event-registry";
import { customerStreamId } from "@/lib/domain/customer/events";
import { address } from "@/lib/domain/customer/builders";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { createEventStore, type EventStore } from ".";

const MESSAGE = /events are immutable: (UPDATE|DELETE|TRUNCATE) on events is refused/;
/** Drizzle wraps the driver's error: the trigger's message is on it or on its cause. */
const REFUSED = (error: unknown) => {
  const e = error as { message?: string; cause?: { message?: string } };
  assert.match(`${e.message} ${e.cause?.message ?? ""}`, MESSAGE);
  return true;
};

await describeEachDatabase("immutable event log (trigger)", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  let streamId: string;
  before(async () => {
    t = await create();
    store = createEventStore(t.database.db, eventRegistry);
    streamId = customerStreamId(uuidv7());
    await store.append(streamId, [{ type: "CustomerRegistered", data: { name: "Ada", address: address() } }], { expectedVersion: "no_stream" });
  });
  after(() => t.drop());

  const count = async () =>
    Number((await query<{ n: number }>(t.database.db, sql`select count(*)::int as n from events where stream_id = ${streamId}`))[0].n);

  it("refuses UPDATE with the trigger's message", async () => {
    await assert.rejects(t.database.db.execute(sql`update events set type = 'Hacked' where stream_id = ${streamId}`), REFUSED);
    const [event] = await store.readStream(streamId);
    assert.equal(event.type, "CustomerRegistered");
  });

  it("refuses DELETE with the trigger's message", async () => {
    await assert.rejects(t.database.db.execute(sql`delete from events where stream_id = ${streamId}`), REFUSED);
    assert.equal(await count(), 1);
  });

  it("refuses TRUNCATE with the trigger's message", async () => {
    await assert.rejects(t.database.db.execute(sql`truncate events`), REFUSED);
    assert.equal(await count(), 1);
  });

  it("allows the documented maintenance path, only inside its own transaction", async () => {
    await t.database.db.transaction(async (tx) => {
      await tx.execute(sql`select set_config('ledger.maintenance', 'on', true)`);
      await tx.execute(sql`update events set metadata = metadata where stream_id = ${streamId}`);
    });
    // transaction-local: the next statement is refused again.
    await assert.rejects(t.database.db.execute(sql`delete from events where stream_id = ${streamId}`), REFUSED);
  });
});
