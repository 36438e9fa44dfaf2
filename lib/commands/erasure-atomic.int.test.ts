import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, it } from "node:test";
import postgres from "postgres";
import { rawQuery } from "@/db/client";
import { address } from "@/lib/domain/customer/builders";
import { hasDataKey, type EventStore } from "@/lib/eventstore";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { eraseCustomer, loadCustomer, registerCustomer } from "./customer";
import { ledgerStore } from "./event-registry";

// An erasure appends CustomerErased and deletes the customer's data key in one transaction: no
// reader (the broker publisher, a projector) ever sees the event while the key still opens the
// data, and a failure on the way leaves neither.

await describeEachDatabase("an erasure's event and its key deletion commit together", (kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  before(async () => {
    t = await create();
    store = ledgerStore(t.database.db, randomBytes(32));
  });
  after(() => t.drop());

  const ctx = () => ({ store, actor: "user:admin" });
  const sql = (text: string) => rawQuery(t.database.db, text, []);
  const erasedEvents = async (streamId: string) =>
    (await rawQuery<{ n: number }>(t.database.db, "select count(*)::int as n from events where stream_id = $1 and type = 'CustomerErased'", [streamId]))[0].n;
  /** The error, or the driver's error under Drizzle's "Failed query" wrapper, says `text`. */
  const says = (text: string) => (error: unknown) => {
    for (let e = error as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
      if (e.message?.includes(text)) return true;
    }
    return false;
  };
  const customer = async (name: string) => {
    const result = await registerCustomer({ name, address: address() }, ctx());
    assert.ok(result.ok);
    return { id: result.id, streamId: result.streamId };
  };

  it("a key deletion that fails rolls the append back: no CustomerErased, the key and the data still there", async () => {
    const { id, streamId } = await customer("Refused Shred");
    await sql(`create function refuse_key_delete() returns trigger language plpgsql as $$
                 begin raise exception 'injected: the key deletion fails'; end $$`);
    await sql("create trigger refuse_key_delete before delete on data_keys for each row execute function refuse_key_delete()");
    try {
      await assert.rejects(eraseCustomer(id, { reason: "test" }, ctx()), says("injected: the key deletion fails"));
    } finally {
      await sql("drop trigger refuse_key_delete on data_keys");
      await sql("drop function refuse_key_delete()");
    }
    assert.equal(await erasedEvents(streamId), 0, "CustomerErased was committed without the key deletion");
    assert.equal(await hasDataKey(t.database.db, streamId), true);
    const loaded = await loadCustomer(store, id);
    assert.equal(loaded.state.status === "active" && loaded.state.name, "Refused Shred");

    // Once deletion works again, the erasure completes: both, at once.
    assert.ok((await eraseCustomer(id, { reason: "test" }, ctx())).ok);
    assert.equal(await erasedEvents(streamId), 1);
    assert.equal(await hasDataKey(t.database.db, streamId), false);
  });

  it("a failure after the append and the deletion, at commit, rolls the deletion back too", async () => {
    const { id, streamId } = await customer("Refused At Commit");
    // A deferred constraint trigger fails the transaction at commit, after both writes.
    await sql(`create function refuse_erased() returns trigger language plpgsql as $$
                 begin raise exception 'injected: the commit fails'; end $$`);
    await sql(`create constraint trigger refuse_erased after insert on events deferrable initially deferred
               for each row when (new.type = 'CustomerErased') execute function refuse_erased()`);
    try {
      await assert.rejects(eraseCustomer(id, { reason: "test" }, ctx()), says("injected: the commit fails"));
    } finally {
      await sql("drop trigger refuse_erased on events");
      await sql("drop function refuse_erased()");
    }
    assert.equal(await erasedEvents(streamId), 0);
    assert.equal(await hasDataKey(t.database.db, streamId), true, "the key was deleted without CustomerErased");
  });

  it("a concurrent reader never sees CustomerErased while the key is still there", { skip: kind !== "postgres" && "needs a second session" }, async () => {
    const { id, streamId } = await customer("Watched Shred");
    // Another session holds the key's row: the erasure's deletion waits for it, after its append.
    const other = postgres(t.url!, { max: 2, onnotice: () => {} });
    try {
      const holder = await other.reserve();
      await holder`begin`;
      await holder`select 1 from data_keys where stream_id = ${streamId} for update`;
      const erasing = eraseCustomer(id, { reason: "test" }, ctx());
      const blocked = async () =>
        (await other`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)[0].n > 0;
      for (let i = 0; i < 200 && !(await blocked()); i++) await sleep(25);
      assert.ok(await blocked(), "the erasure did not reach the key deletion");
      // What a reader sees meanwhile, in one snapshot: the event and the key, both or neither.
      const [seen] = await other`select
          (select count(*)::int from events where stream_id = ${streamId} and type = 'CustomerErased') as erased,
          (select count(*)::int from data_keys where stream_id = ${streamId}) as keys`;
      assert.deepEqual({ erased: seen.erased, keys: seen.keys }, { erased: 0, keys: 1 }, "CustomerErased is visible while the key still opens the data");
      await holder`commit`;
      holder.release();
      assert.ok((await erasing).ok);
      const [done] = await other`select
          (select count(*)::int from events where stream_id = ${streamId} and type = 'CustomerErased') as erased,
          (select count(*)::int from data_keys where stream_id = ${streamId}) as keys`;
      assert.deepEqual({ erased: done.erased, keys: done.keys }, { erased: 1, keys: 0 });
    } finally {
      await other.end({ timeout: 2 });
    }
  });
});
