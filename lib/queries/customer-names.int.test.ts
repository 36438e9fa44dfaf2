import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { address, erased, registered, renamed } from "@/lib/domain/customer/builders";
import { customerStreamId } from "@/lib/domain/customer/ids";
import type { EventStore } from "@/lib/eventstore";
import { givenCustomer, project, storeOf } from "@/lib/testing/projections";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { nameSuggestionParams, resolveStreamFilter, suggestCustomerNames } from "./customer-names";
import { browseEvents, eventBrowseParams } from "./events";

// The /events stream filter by name: suggestions from customer_list, and a name resolved to its stream.

await describeEachDatabase("customer name lookup", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  const ids: Record<string, string> = {};

  before(async () => {
    t = await create();
    store = storeOf(t.database);
    for (const name of ["Ada Lovelace", "Adam Smith", "Grace Hopper", "50%_Off Ltd"]) {
      ids[name] = (await givenCustomer(store, [registered({ name, address: address() })])).id;
    }
    ids.renamed = (await givenCustomer(store, [registered({ name: "Old Name", address: address() }), renamed("Ada Byron", "Old Name")])).id;
    ids.erased = (await givenCustomer(store, [registered({ name: "Ada Erased", address: address() }), erased()])).id;
    await project(t.database);
  });
  after(() => t.drop());

  const names = async (q: string) => (await suggestCustomerNames(t.database.db, q)).map((row) => row.name);

  it("suggests the current names containing the text, any case, by name, never an erased customer", async () => {
    assert.deepEqual(await names("ada"), ["Ada Byron", "Ada Lovelace", "Adam Smith"]);
    assert.deepEqual(await names("HOPP"), ["Grace Hopper"]);
    assert.deepEqual(await names("Old Name"), []);
    const [row] = await suggestCustomerNames(t.database.db, "lovelace");
    assert.deepEqual(row, { id: ids["Ada Lovelace"], streamId: customerStreamId(ids["Ada Lovelace"]), name: "Ada Lovelace" });
  });

  it("treats % and _ as the characters typed, not as patterns", async () => {
    assert.deepEqual(await names("0%_"), ["50%_Off Ltd"]);
    assert.deepEqual(await names("a%e"), []);
    assert.deepEqual(await names("d_"), []);
  });

  it("wants at least two characters and no other parameter", () => {
    assert.equal(nameSuggestionParams.safeParse({ q: " a " }).success, false);
    assert.equal(nameSuggestionParams.safeParse({ q: "ad", limit: "3" }).success, false);
    assert.equal(nameSuggestionParams.parse({ q: " ad " }).q, "ad");
  });

  it("resolves an exact name (any case) to its stream; stream ids, erased and unknown names pass through", async () => {
    const db = t.database.db;
    assert.equal(await resolveStreamFilter(db, "grace hopper"), customerStreamId(ids["Grace Hopper"]));
    assert.equal(await resolveStreamFilter(db, "Ada Byron"), customerStreamId(ids.renamed));
    assert.equal(await resolveStreamFilter(db, "Ada Erased"), "Ada Erased");
    assert.equal(await resolveStreamFilter(db, "Grace"), "Grace");
    assert.equal(await resolveStreamFilter(db, customerStreamId(ids["Adam Smith"])), customerStreamId(ids["Adam Smith"]));
  });

  it("filters the event log by a customer's name", async () => {
    const page = await browseEvents(store, t.database.db, eventBrowseParams.parse({ stream: "ADA BYRON" }));
    assert.deepEqual(
      page.events.map((event) => [event.streamId, event.type]),
      [
        [customerStreamId(ids.renamed), "CustomerRenamed"],
        [customerStreamId(ids.renamed), "CustomerRegistered"],
      ],
    );
    const none = await browseEvents(store, t.database.db, eventBrowseParams.parse({ stream: "Ada Erased" }));
    assert.deepEqual(none.events, []);
  });
});
