import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { changeCustomerContact, eraseCustomer, registerCustomer } from "@/lib/commands/customer";
import { ledgerStore } from "@/lib/commands/event-registry";
import { isLedgerError } from "@/lib/errors";
import type { EventStore } from "@/lib/eventstore";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { address, registered } from "@/lib/domain/customer/builders";
import { hasDataKey } from "./data-keys";

// An erased customer's key never comes back: a writer that decided on a stale, pre-erasure state
// (another process's cache) must not create a new key, or the old ciphertext would stop opening
// and every read of the stream would fail instead of reading ERASED.

await describeEachDatabase("an erased stream's key stays gone", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  before(async () => {
    t = await create();
    store = ledgerStore(t.database.db, Buffer.alloc(32, 9));
  });
  after(() => t.drop());

  it("refuses a stale append's personal data, keeps the key deleted, and the history still reads erased", async () => {
    const ctx = { store, actor: "user:test" };
    const registered = await registerCustomer({ name: "Stale Writer Target", address: { street: "1 Key St", city: "Oslo" } }, ctx);
    assert.ok(registered.ok);
    const id = registered.streamId.slice("Customer-".length);
    assert.ok((await changeCustomerContact(id, { email: "stale@example.test" }, ctx)).ok);
    assert.ok((await eraseCustomer(id, { reason: "test" }, ctx)).ok);
    assert.equal(await hasDataKey(t.database.db, registered.streamId), false);

    // A writer still at version 2 (it never saw the erasure) appends a rename.
    const stale = store.append(registered.streamId, [{ type: "CustomerRenamed", data: { newName: "Back Again", oldName: "x" } }], { expectedVersion: 2 });
    await assert.rejects(stale, (error: unknown) => isLedgerError(error, "customer_erased") || isLedgerError(error, "version_conflict"));
    assert.equal(await hasDataKey(t.database.db, registered.streamId), false, "no new key was made");

    const events = await store.readStream(registered.streamId);
    assert.equal(events.length, 3);
    assert.equal((events[0].data as { name: string }).name, "[erased]");
  });
});

// Many writers racing to make a new stream: the key made by the winner is found by the others,
// so they lose on the version check (a conflict), never with "erased".
await describeEachDatabase("concurrent first appends to one new stream", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  before(async () => {
    t = await create();
    store = ledgerStore(t.database.db, Buffer.alloc(32, 7));
  });
  after(() => t.drop());

  it("one registration wins, the rest are version conflicts, and the winner's data opens", async () => {
    for (let round = 0; round < 10; round++) {
      const streamId = `Customer-0190a000-0000-7000-8000-${String(round).padStart(12, "0")}`;
      const attempts = Array.from({ length: 8 }, (_, w) =>
        store.append(
          streamId,
          [registered({ name: `Racer ${w}`, address: address({ street: `${w} Race St` }) })],
          { expectedVersion: "no_stream" },
        ),
      );
      const outcomes = await Promise.allSettled(attempts);
      const won = outcomes.filter((o) => o.status === "fulfilled");
      assert.equal(won.length, 1, `round ${round}: ${won.length} winners, ${outcomes.map((o) => (o.status === "rejected" ? String(o.reason) : "ok"))[0]}`);
      for (const o of outcomes) {
        if (o.status === "rejected") assert.ok(isLedgerError(o.reason, "version_conflict"), `round ${round}: ${String(o.reason)}`);
      }
      const [event] = await store.readStream(streamId);
      assert.match((event.data as { name: string }).name, /^Racer \d$/);
    }
  });
});
