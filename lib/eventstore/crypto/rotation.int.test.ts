import { after, before, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { ledgerStore } from "@/lib/commands/event-registry";
import { loadCustomer, registerCustomer } from "@/lib/commands/customer";
import { customerStreamId } from "@/lib/domain/customer/events";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { rewrapAll } from "./data-keys";

await describeEachDatabase("master key rotation", (_kind, create) => {
  let t: TestDatabase;
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const ids: string[] = [];
  before(async () => {
    t = await create();
    const store = ledgerStore(t.database.db, oldKey);
    for (const n of [1, 2, 3]) {
      ids.push((await registerCustomer({ name: `Rotated ${n}`, address: { street: `${n} Key St`, city: "Oslo" }, email: `r${n}@example.test` }, { store })).id);
    }
  });
  after(() => t.drop());

  it("re-wraps every data key and says how many", async () => {
    assert.equal(await rewrapAll(t.database.db, oldKey, newKey), 3);
  });

  it("reads every customer correctly with the new master key", async () => {
    const store = ledgerStore(t.database.db, newKey);
    for (const [index, id] of ids.entries()) {
      const { state } = await loadCustomer(store, id);
      assert.deepEqual(state.status === "active" && [state.name, state.email], [`Rotated ${index + 1}`, `r${index + 1}@example.test`]);
    }
  });

  it("fails to read with the old master key", async () => {
    const store = ledgerStore(t.database.db, oldKey);
    await assert.rejects(store.readStream(customerStreamId(ids[0])), /unable to authenticate|Unsupported state/);
  });
});
