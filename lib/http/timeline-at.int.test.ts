import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, it } from "node:test";
import { registerCustomer, renameCustomer } from "@/lib/commands/customer";
import { ledgerStore } from "@/lib/commands/event-registry";
import type { EventStore } from "@/lib/eventstore";
import { customerListParams } from "@/lib/queries/customers";
import { afterRecorded } from "@/lib/testing/clock";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { HttpError } from "./errors";
import { parseQuery } from "./query";
import { stateParams, streamState } from "./timeline";

// "Go to date" (`GET /api/streams/:streamId/state?at=`) and the asOf parameter's 400s.

const rejection = async (run: () => unknown) => {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof HttpError, String(error));
    return { status: error.response.status, body: (await error.response.json()) as { error: { code: string; message: string; fieldErrors?: Record<string, string[]> } } };
  }
  assert.fail("expected a rejection");
};

await describeEachDatabase("timeline: go to date", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  before(async () => {
    t = await create();
    store = ledgerStore(t.database.db, randomBytes(32));
  });
  after(() => t.drop());

  it("gives the last version at or before a time, and says when the customer did not exist yet", async () => {
    const ctx = { store, actor: "user:test" };
    const r = await registerCustomer({ name: "Tess Time", address: { street: "1 Clock St", city: "Bern" } }, ctx);
    assert.ok(r.ok);
    const id = r.streamId.slice("Customer-".length);
    const registeredAt = await afterRecorded(store);
    assert.ok((await renameCustomer(id, { name: "Tess Tide" }, ctx)).ok);
    assert.ok((await renameCustomer(id, { name: "Tess Tick" }, ctx)).ok);
    const renamedAt = await afterRecorded(store);

    const at = (iso: string) => streamState(store, r.streamId, stateParams.parse({ at: iso }));
    assert.equal((await at(registeredAt)).version, 1);
    assert.equal((await at(new Date(new Date(renamedAt).getTime() - 1).toISOString())).version <= 3, true);
    const latest = await at(renamedAt);
    assert.equal(latest.version, 3);
    assert.equal((latest.state as { name: string }).name, "Tess Tick");
    assert.equal((await at(new Date(Date.now() + 86_400_000).toISOString())).version, 3);

    const early = await rejection(() => at(new Date(new Date(registeredAt).getTime() - 1000).toISOString()));
    assert.equal(early.status, 400);
    assert.match(early.body.error.fieldErrors!.at[0], /no version yet/);
    const unknown = await rejection(() => streamState(store, "Customer-0190a000-0000-7000-8000-000000000001", stateParams.parse({ at: registeredAt })));
    assert.equal(unknown.status, 404);
  });

  it("a bad asOf or at is a 400 that says what is expected", async () => {
    for (const url of ["http://app/api/customers?asOf=yesterday", "http://app/api/customers?asOf=2025-01-01T10:00"]) {
      const bad = await rejection(() => parseQuery(new Request(url), customerListParams));
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, "validation_failed");
      assert.match(bad.body.error.fieldErrors!.asOf[0], /asOf must be an ISO 8601 date-time/);
    }
    const both = await rejection(() => parseQuery(new Request("http://app/api/streams/x/state?version=1&at=2025-01-01T00:00:00Z"), stateParams));
    assert.equal(both.status, 400);
    assert.match(both.body.error.fieldErrors!.at[0], /not both/);
  });
});
