import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { address, archived, registered } from "@/lib/domain/customer/builders";
import type { EventStore } from "@/lib/eventstore";
import { givenCustomer, project, storeOf } from "@/lib/testing/projections";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { getCustomerRow } from "./customer";
import { customerListParams, InvalidListCursorError, listCustomers, prefixTsQuery } from "./customers";

// The list read side as the API and the page use it: filters, search, keyset paging both ways.

await describeEachDatabase("customer list queries", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  const ids: Record<string, string> = {};
  const names = ["Ada Lovelace", "Alan Turing", "Barbara Liskov", "Edsger Dijkstra", "Grace Hopper", "Katherine Johnson", "Linus Torvalds"];

  before(async () => {
    t = await create();
    store = storeOf(t.database);
    for (const [i, name] of names.entries()) {
      const city = i % 2 === 0 ? "Oslo" : "Bergen";
      const { id } = await givenCustomer(store, [registered({ name, address: address({ street: `${i} Main St`, city }) })]);
      ids[name] = id;
    }
    await givenCustomer(store, [registered({ name: "Zed Archived", address: address({ city: "OSLO" }) }), archived("gone")]);
    await project(t.database);
  });
  after(() => t.drop());

  const list = (query: Record<string, string>) => listCustomers(t.database.db, customerListParams.parse(query));
  const namesOf = (page: { items: { name: string }[] }) => page.items.map((i) => i.name);

  it("sorts by name and filters by city case-insensitively", async () => {
    const page = await list({ city: "oSLo" });
    assert.deepEqual(namesOf(page), ["Ada Lovelace", "Barbara Liskov", "Grace Hopper", "Linus Torvalds", "Zed Archived"]);
    assert.equal(page.nextCursor, null);
    assert.equal(page.prevCursor, null);
  });

  it("counts every match of the filters, not just the page, on every page", async () => {
    const first = await list({ city: "Oslo", limit: "2" });
    assert.deepEqual({ total: first.total, capped: first.totalCapped }, { total: 5, capped: false });
    const second = await list({ city: "Oslo", limit: "2", cursor: first.nextCursor! });
    assert.equal(second.total, 5);
    assert.equal((await list({ city: "Oslo", status: "active" })).total, 4);
    assert.equal((await list({ q: "lovelace" })).total, 1);
    // A search spanning pages says "more than a page" instead of counting.
    assert.deepEqual(await list({ q: "main", limit: "2" }).then((p) => [p.total, p.totalCapped]), [2, true]);
    assert.equal((await list({ city: "Nowhere" })).total, 0);
  });

  it("refuses a search of fewer than 2 characters (a blank one is no search)", () => {
    assert.equal(customerListParams.safeParse({ q: "a" }).success, false);
    assert.equal(customerListParams.safeParse({ q: " a " }).success, false);
    assert.equal(customerListParams.safeParse({ q: "ab" }).success, true);
    assert.equal(customerListParams.safeParse({ q: "" }).success, true);
  });

  it("filters by status", async () => {
    assert.deepEqual(namesOf(await list({ city: "Oslo", status: "archived" })), ["Zed Archived"]);
    assert.equal((await list({ status: "active" })).items.length, names.length);
  });

  it("searches by word prefix and by part of the name, across name and address", async () => {
    assert.deepEqual(namesOf(await list({ q: "lov" })), ["Ada Lovelace"]);
    assert.deepEqual(namesOf(await list({ q: "ada LOVE" })), ["Ada Lovelace"]);
    assert.deepEqual(namesOf(await list({ q: "kstra" })), ["Edsger Dijkstra"]);
    assert.deepEqual(namesOf(await list({ q: "bergen" })), ["Alan Turing", "Edsger Dijkstra", "Katherine Johnson"]);
    assert.deepEqual(namesOf(await list({ q: "nobody-like-this" })), []);
  });

  it("treats search input as text, never as query syntax", async () => {
    assert.equal(prefixTsQuery("a & !b | (c:*)'"), "a:* & b:* & c:*");
    assert.equal(prefixTsQuery("%_&!"), null);
    assert.deepEqual(namesOf(await list({ q: "%%" })), []);
    assert.deepEqual(namesOf(await list({ q: "'); drop table customer_list;--" })), []);
    assert.equal((await list({})).items.length, names.length + 1);
  });

  it("pages forward with nextCursor and back with prevCursor, over the whole list", async () => {
    const forward: string[] = [];
    const cursors: (string | null)[] = [];
    let page = await list({ limit: "3" });
    for (;;) {
      forward.push(...namesOf(page));
      cursors.push(page.prevCursor);
      if (!page.nextCursor) break;
      page = await list({ limit: "3", cursor: page.nextCursor });
    }
    assert.deepEqual(forward, [...names, "Zed Archived"]);
    assert.equal(cursors[0], null);
    // Back from the last page: the pages come back in reverse, ending at the first (no prevCursor).
    const backward: string[][] = [namesOf(page)];
    while (page.prevCursor) {
      page = await list({ limit: "3", cursor: page.prevCursor });
      backward.unshift(namesOf(page));
    }
    assert.deepEqual(backward.flat(), forward);
    assert.equal(page.prevCursor, null);
  });

  it("combines search with the city and status filters", async () => {
    assert.deepEqual(namesOf(await list({ q: "be", city: "BERGEN" })), ["Alan Turing", "Edsger Dijkstra", "Katherine Johnson"]);
    assert.deepEqual(namesOf(await list({ q: "oslo", status: "archived" })), ["Zed Archived"]);
    assert.deepEqual(namesOf(await list({ q: "oslo", status: "active", city: "bergen" })), []);
  });

  it("pages through search results both ways, in name order", async () => {
    const all = ["Ada Lovelace", "Barbara Liskov", "Grace Hopper", "Linus Torvalds", "Zed Archived"];
    const first = await list({ q: "oslo", limit: "2" });
    assert.deepEqual(namesOf(first), all.slice(0, 2));
    assert.equal(first.prevCursor, null);
    const second = await list({ q: "oslo", limit: "2", cursor: first.nextCursor! });
    assert.deepEqual(namesOf(second), all.slice(2, 4));
    const third = await list({ q: "oslo", limit: "2", cursor: second.nextCursor! });
    assert.deepEqual(namesOf(third), all.slice(4));
    assert.equal(third.nextCursor, null);
    const back = await list({ q: "oslo", limit: "2", cursor: third.prevCursor! });
    assert.deepEqual(namesOf(back), all.slice(2, 4));
    assert.deepEqual(namesOf(await list({ q: "oslo", limit: "2", cursor: back.prevCursor! })), all.slice(0, 2));
  });

  it("rejects a cursor it did not hand out", async () => {
    await assert.rejects(list({ cursor: "bm90LWEtY3Vyc29y" }), InvalidListCursorError);
  });

  it("reads one row with its version; unknown and malformed ids are null", async () => {
    const row = await getCustomerRow(t.database.db, ids["Grace Hopper"]);
    assert.equal(row?.name, "Grace Hopper");
    assert.equal(row?.version, 1);
    assert.deepEqual(row?.address, { street: "4 Main St", city: "Oslo" });
    assert.equal(await getCustomerRow(t.database.db, "0190a5f2-0000-7000-8000-000000000000"), null);
    assert.equal(await getCustomerRow(t.database.db, "not-a-uuid"), null);
  });
});
