import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { v7 as uuidv7 } from "uuid";
import { registerCustomer } from "@/lib/commands/customer";
import { address } from "@/lib/domain/customer/builders";
import { customerStreamId } from "@/lib/domain/customer/ids";
import type { EventStore } from "@/lib/eventstore";
import { handle, registeredResponse } from "@/lib/http/command";
import { storeOf } from "@/lib/testing/projections";
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from "@/lib/testing/test-db";
import { admission, type AdmissionLimits } from "./admission";

await describePostgres("a bounded number of commands in flight", () => {
  let t: TestDatabase;
  let store: EventStore;
  let saved: AdmissionLimits;
  before(async () => {
    t = await createPostgresTestDatabase({ max: 40 });
    store = storeOf(t.database);
    saved = admission().limits;
    admission().limits = { maxInFlight: 4, retryAfterSeconds: 2 };
  });
  after(async () => {
    admission().limits = saved;
    await t.drop();
  });

  it("a storm past the limit: some 503s with Retry-After, no 500, every accepted command in the log", async () => {
    // The registration route's shape: handle() maps what the command path throws to a response.
    const route = handle(async (request: Request) => {
      const { id } = (await request.json()) as { id: string };
      return registeredResponse(await registerCustomer({ id, name: `Storm ${id.slice(-4)}`, address: address() }, { store }), id);
    });
    const ids = Array.from({ length: 80 }, () => uuidv7());
    const responses = await Promise.all(
      ids.map((id) => route(new Request("http://test/api/customers", { method: "POST", body: JSON.stringify({ id }) }), {})),
    );
    const statuses = responses.map((r) => r.status);
    const accepted = ids.filter((_, i) => statuses[i] === 201);
    const refused = responses.filter((r) => r.status === 503);
    assert.ok(refused.length > 0, `no 503 among ${statuses.join(",")}`);
    assert.ok(accepted.length >= 4, `only ${accepted.length} accepted`);
    assert.deepEqual(statuses.filter((s) => s !== 201 && s !== 503), [], "only 201 or 503");
    for (const r of refused) {
      assert.equal(r.headers.get("retry-after"), "2");
      assert.equal(((await r.json()) as { error: { code: string } }).error.code, "overloaded");
    }
    for (const id of ids) {
      const version = await store.streamVersion(customerStreamId(id));
      assert.equal(version, accepted.includes(id) ? 1 : 0, `customer ${id}: accepted ${accepted.includes(id)}, version ${version}`);
    }
    assert.equal(admission().current, 0, "every slot was given back");
  });
});
