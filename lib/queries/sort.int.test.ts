import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, it } from "node:test";
import { archiveCustomer, changeCustomerAddress, registerCustomer } from "@/lib/commands/customer";
import { ledgerStore } from "@/lib/commands/event-registry";
import type { EventStore } from "@/lib/eventstore";
import { afterRecorded } from "@/lib/testing/clock";
import { project } from "@/lib/testing/projections";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { customerListParams, InvalidListCursorError, LIST_SORTS, listCustomers, type CustomerListItem } from "./customers";

// Sortable list: every sort, both ways, pages forwards and back through the same rows as one big page.

await describeEachDatabase("list sorting", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  let middle: string;
  before(async () => {
    t = await create();
    store = ledgerStore(t.database.db, randomBytes(32));
    const ctx = { store, actor: "user:test" };
    const people = [["Sam Sort", "Oslo"], ["Ann Sort", "Bergen"], ["Kim Sort", "oslo"], ["Bo Sort", "Aarhus"], ["Ed Sort", "Bergen"], ["Lu Sort", "Zug"], ["Di Sort", "Aarhus"]];
    const ids: string[] = [];
    for (const [name, city] of people) {
      const r = await registerCustomer({ name, address: { street: "1 Order St", city } }, ctx);
      assert.ok(r.ok);
      ids.push(r.streamId.slice("Customer-".length));
    }
    middle = await afterRecorded(store);
    assert.ok((await archiveCustomer(ids[1], {}, ctx)).ok);
    assert.ok((await changeCustomerAddress(ids[3], { address: { street: "2 Order St", city: "Zug" } }, ctx)).ok);
    assert.ok((await archiveCustomer(ids[4], {}, ctx)).ok);
    await project(t.database, { decode: (db, events) => store.codec.decode(db, events) });
  });
  after(() => t.drop());

  const list = (view: Record<string, string>) => listCustomers(t.database.db, customerListParams.parse(view));
  const key = (sort: string, item: CustomerListItem) =>
    sort.endsWith("updated") ? item.updatedAt : sort.endsWith("city") ? item.city.toLowerCase() : sort.endsWith("status") ? item.status : item.name;

  for (const sort of LIST_SORTS) {
    it(`sort=${sort}: ordered, and paging two at a time (forwards, then back) gives the same rows`, async () => {
      const extras: Record<string, string>[] = [{}, { q: "sort" }, { asOf: middle }, { status: "active" }];
      for (const extra of extras) {
        const view: Record<string, string> = { sort, ...extra };
        const all = (await list({ ...view, limit: "100" })).items;
        assert.ok(all.length >= 3, JSON.stringify(view));
        const keys = all.map((i) => key(sort, i));
        const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        if (!sort.endsWith("name")) assert.deepEqual(keys, sort.startsWith("-") ? sorted.reverse() : sorted, JSON.stringify(view));
        const pages: CustomerListItem[][] = [];
        let page = await list({ ...view, limit: "2" });
        pages.push(page.items);
        while (page.nextCursor) {
          page = await list({ ...view, limit: "2", cursor: page.nextCursor });
          pages.push(page.items);
        }
        assert.deepEqual(pages.flat().map((i) => i.id), all.map((i) => i.id), JSON.stringify(view));
        if (pages.length > 1 && page.prevCursor) {
          const back = await list({ ...view, limit: "2", cursor: page.prevCursor });
          assert.deepEqual(back.items.map((i) => i.id), pages[pages.length - 2].map((i) => i.id));
        }
      }
    });
  }

  it("a bad sort is a 400 with words, and a cursor of another sort is refused", async () => {
    const parsed = customerListParams.safeParse({ sort: "email" });
    assert.equal(parsed.success, false);
    assert.match(parsed.error!.issues[0].message, /sort must be name, city, status or updated/);
    const first = await list({ sort: "city", limit: "2" });
    await assert.rejects(list({ sort: "updated", limit: "2", cursor: first.nextCursor! }), InvalidListCursorError);
  });
});
