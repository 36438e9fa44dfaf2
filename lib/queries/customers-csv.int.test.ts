import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, it } from "node:test";
import { archiveCustomer, registerCustomer } from "@/lib/commands/customer";
import { ledgerStore } from "@/lib/commands/event-registry";
import type { EventStore } from "@/lib/eventstore";
import { afterRecorded } from "@/lib/testing/clock";
import { project } from "@/lib/testing/projections";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { customerListParams, listCustomers, type CustomerListItem } from "./customers";
import { csvField, customersCsv } from "./customers-csv";

// CSV export: every row of the view (not a page), in the list's order, equal to the API's rows.

/** RFC 4180 parser for the test (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") row.push(field), (field = "");
    else if (c === "\r" && text[i + 1] === "\n") row.push(field), rows.push(row), (row = []), (field = ""), i++;
    else field += c;
  }
  return rows;
}

const asRow = (item: CustomerListItem) => ({
  id: item.id,
  name: item.name,
  street: item.address.street,
  postalCode: item.address.postalCode ?? "",
  city: item.city,
  region: item.address.region ?? "",
  country: item.address.country ?? "",
  email: item.email ?? "",
  phone: item.phone ?? "",
  status: item.status,
  erased: String(item.erased),
  version: String(item.version),
  registeredAt: item.registeredAt,
  updatedAt: item.updatedAt,
});

await describeEachDatabase("CSV export", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  before(async () => {
    t = await create();
    store = ledgerStore(t.database.db, randomBytes(32));
  });
  after(() => t.drop());

  async function all(view: Record<string, string>) {
    const items: CustomerListItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await listCustomers(t.database.db, customerListParams.parse({ ...view, limit: "4", ...(cursor ? { cursor } : {}) }));
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }
  async function csv(view: Record<string, string>) {
    const { cursor: _c, limit: _l, ...params } = customerListParams.parse(view);
    const text = await new Response(customersCsv(t.database.db, params, { pageSize: 3 })).text();
    const [header, ...rows] = parseCsv(text);
    return rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
  }

  it("streams every row of the view, in order, equal to the API's, with awkward text escaped", async () => {
    const ctx = { store, actor: "user:test" };
    const names = ['Quinn "Q" Comma, Esq.', "Line\nBreak", "Ann Ordinary", "Bea Ordinary", "Cal Ordinary", "Dan Ordinary", "Eli Ordinary"];
    const ids: string[] = [];
    for (const [i, name] of names.entries()) {
      const r = await registerCustomer({ name, address: { street: `${i} Export St`, city: i % 2 ? "Basel" : "Zug", postalCode: "8000" }, phone: "+41 44 123 45 67" }, ctx);
      assert.ok(r.ok);
      ids.push(r.streamId.slice("Customer-".length));
    }
    await project(t.database, { decode: (db, events) => store.codec.decode(db, events) });
    const before = await afterRecorded(store);
    assert.ok((await archiveCustomer(ids[2], {}, ctx)).ok);
    await project(t.database, { decode: (db, events) => store.codec.decode(db, events) });

    const views: Record<string, string>[] = [{}, { city: "zug" }, { status: "archived" }, { q: "ordinary" }, { asOf: before, status: "archived" }, { asOf: before }];
    for (const view of views) {
      const expected = (await all(view)).map(asRow);
      assert.deepEqual(await csv(view), expected, JSON.stringify(view));
    }
    assert.equal((await csv({})).length, 7);
    assert.equal((await csv({ asOf: before, status: "archived" })).length, 0);
  });

  it("defuses spreadsheet formulas but keeps phone numbers", () => {
    assert.equal(csvField("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    assert.equal(csvField("+4791234567"), "+4791234567");
    assert.equal(csvField("-2+3"), "'-2+3");
    assert.equal(csvField('a "b", c'), '"a ""b"", c"');
  });
});
