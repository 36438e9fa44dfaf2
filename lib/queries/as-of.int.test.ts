import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, it } from "node:test";
import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import { changeCustomerAddress, archiveCustomer, changeCustomerContact, eraseCustomer, registerCustomer, renameCustomer } from "@/lib/commands/customer";
import { ledgerStore } from "@/lib/commands/event-registry";
import type { EventStore, RecordedEvent } from "@/lib/eventstore";
import { cityTotalsProjection, customerListProjection, customerSearchProjection } from "@/lib/projections";
import { project } from "@/lib/testing/projections";
import { afterRecorded } from "@/lib/testing/clock";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { customerListParams, listCustomers } from "./customers";
import { cityStats, totals } from "./stats";

// The register as of a moment (customer_history) equals a replay of the log cut at that moment:
// the same events, up to the moment, through the live projections into a second database, read
// with the live (not as-of) queries.

const live = (name: string) => sql`${sql.identifier(name)}`;
const PROJECTIONS = [customerListProjection, customerSearchProjection, cityTotalsProjection];

/** Feed the log's events stamped in (from, to] into the other database's live projections. */
async function replayCut(store: EventStore, into: Db, from: string | null, to: string) {
  const events: RecordedEvent[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await store.readAll({ after: cursor, limit: 1000 });
    events.push(...page.events);
    if (page.events.length < 1000) break;
    cursor = page.cursor;
  }
  const cut = events.filter((e) => (from === null || e.timestamp > from) && e.timestamp <= to);
  for (const projection of PROJECTIONS) {
    await into.transaction(async (tx) => projection.handle(tx as unknown as Db, cut, live));
  }
}

const VIEWS: Record<string, string>[] = [
  {},
  { status: "active" },
  { status: "archived" },
  { city: "paris" },
  { city: "LONDON", status: "active" },
  { q: "ada" },
  { q: "oslo" },
  { q: "ada@ex" },
  { q: "lin", status: "active" },
];

await describeEachDatabase("the register as of a moment", (_kind, create) => {
  let t: TestDatabase;
  let replica: TestDatabase;
  let store: EventStore;
  before(async () => {
    t = await create();
    replica = await create();
    store = ledgerStore(t.database.db, randomBytes(32));
  });
  after(async () => {
    await t.drop();
    await replica.drop();
  });

  const ctx = () => ({ store, actor: "user:test" });
  const idOf = (streamId: string) => streamId.slice("Customer-".length);

  it("list, filters, search and city totals at three moments equal a replay of the log cut there", async () => {
    const reg = async (name: string, city: string, email: string | null = null) => {
      const r = await registerCustomer({ name, address: { street: `1 ${name} St`, city }, ...(email ? { email } : {}) }, ctx());
      assert.ok(r.ok);
      return { id: idOf(r.streamId), last: r };
    };
    // Moment 1: three registered.
    const ada = await reg("Ada Lovelace", "London", "ada@example.test");
    const bob = await reg("Bob Lin", "Paris");
    const cyd = await reg("Cyd Moss", "Oslo");
    const projectNow = () => project(t.database, { decode: (db, events) => store.codec.decode(db, events) });
    await projectNow();
    const t1 = await afterRecorded(store);
    // Moment 2: Ada moves to Paris, Bob is renamed, Dee registers in London.
    assert.ok((await changeCustomerAddress(ada.id, { address: { street: "2 Rue Ada", city: "Paris" } }, ctx())).ok);
    assert.ok((await renameCustomer(bob.id, { name: "Bob Linden" }, ctx())).ok);
    const dee = await reg("Dee Adams", "London");
    await projectNow();
    const t2 = await afterRecorded(store);
    // Moment 3: Ada archived, Cyd moves to London and changes email, Bob archived.
    assert.ok((await archiveCustomer(ada.id, { reason: "left" }, ctx())).ok);
    assert.ok((await changeCustomerAddress(cyd.id, { address: { street: "3 Oslo Rd", city: "London" } }, ctx())).ok);
    assert.ok((await changeCustomerContact(cyd.id, { email: "cyd@example.test" }, ctx())).ok);
    assert.ok((await archiveCustomer(bob.id, {}, ctx())).ok);
    await projectNow();
    const t3 = await afterRecorded(store);
    // After moment 3: more changes that no moment may show.
    assert.ok((await renameCustomer(dee.id, { name: "Dee Lin" }, ctx())).ok);
    assert.ok((await changeCustomerAddress(cyd.id, { address: { street: "4 Far St", city: "Oslo" } }, ctx())).ok);

    await projectNow();

    let previous: string | null = null;
    const seen = new Set<string>();
    for (const moment of [t1, t2, t3]) {
      await replayCut(store, replica.database.db, previous, moment);
      previous = moment;
      for (const view of VIEWS) {
        const past = await listCustomers(t.database.db, customerListParams.parse({ ...view, asOf: moment }));
        const replay = await listCustomers(replica.database.db, customerListParams.parse(view));
        assert.deepEqual(past.items, replay.items, `as of ${moment}, ${JSON.stringify(view)}`);
        seen.add(JSON.stringify(past.items.map((i) => [i.name, i.city, i.status])));
      }
      // Paging through the past with the cursors it gives.
      const first = await listCustomers(t.database.db, customerListParams.parse({ limit: "2", asOf: moment }));
      const firstReplay = await listCustomers(replica.database.db, customerListParams.parse({ limit: "2" }));
      assert.deepEqual(first.items, firstReplay.items);
      if (first.nextCursor) {
        const second = await listCustomers(t.database.db, customerListParams.parse({ limit: "2", asOf: moment, cursor: first.nextCursor }));
        const secondReplay = await listCustomers(replica.database.db, customerListParams.parse({ limit: "2", cursor: firstReplay.nextCursor! }));
        assert.deepEqual(second.items, secondReplay.items);
      }
      assert.deepEqual(await cityStats(t.database.db, moment), await cityStats(replica.database.db), `city totals as of ${moment}`);
      const counts = await totals(t.database.db, moment);
      const replayCounts = await totals(replica.database.db);
      assert.deepEqual([counts.active, counts.archived], [replayCounts.active, replayCounts.archived]);
    }
    assert.ok(seen.size > VIEWS.length, "the three moments show different registers");

    // The present is not the past: Dee's rename after t3 shows only now.
    const now = await listCustomers(t.database.db, customerListParams.parse({ q: "dee" }));
    assert.equal(now.items[0]?.name, "Dee Lin");
    const then = await listCustomers(t.database.db, customerListParams.parse({ q: "dee", asOf: t3 }));
    assert.equal(then.items[0]?.name, "Dee Adams");
    // Before anything happened, the register was empty.
    const dawn = new Date(new Date(t1).getTime() - 60_000).toISOString();
    assert.deepEqual((await listCustomers(t.database.db, customerListParams.parse({ asOf: dawn }))).items, []);
  });

  it("an erased customer appears in every past list with its personal fields erased", async () => {
    const r = await registerCustomer(
      { name: "Erin Secret", address: { street: "9 Hidden Way", city: "Bergen", postalCode: "5003" }, email: "erin@example.test", phone: "+4712345678" },
      ctx(),
    );
    assert.ok(r.ok);
    const id = idOf(r.streamId);
    await project(t.database, { decode: (db, events) => store.codec.decode(db, events) });
    const registeredAt = await afterRecorded(store);
    assert.ok((await renameCustomer(id, { name: "Erin Hidden" }, ctx())).ok);
    const renamedAt = await afterRecorded(store);
    // Projected before the erasure too: the rows held the plaintext, and must lose it.
    await project(t.database, { decode: (db, events) => store.codec.decode(db, events) });
    assert.ok((await eraseCustomer(id, { reason: "GDPR" }, ctx())).ok);
    await project(t.database, { decode: (db, events) => store.codec.decode(db, events) });

    for (const [moment, version] of [[registeredAt, 1], [renamedAt, 2]] as const) {
      const { items } = await listCustomers(t.database.db, customerListParams.parse({ city: "bergen", asOf: moment }));
      const row = items.find((i) => i.id === id);
      assert.ok(row, `listed as of ${moment}`);
      assert.deepEqual(
        { name: row.name, street: row.address.street, postalCode: row.address.postalCode, email: row.email, phone: row.phone, erased: row.erased },
        { name: "[erased]", street: "[erased]", postalCode: "[erased]", email: "[erased]", phone: "[erased]", erased: true },
      );
      assert.equal(row.city, "Bergen");
      assert.equal(row.version, version);
      for (const q of ["erin", "hidden", "erin@example", "4712345678"]) {
        const found = await listCustomers(t.database.db, customerListParams.parse({ q, asOf: moment }));
        assert.equal(found.items.some((i) => i.id === id), false, `not found by ${q} as of ${moment}`);
      }
    }
    const [plain] = await query<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from customer_history where id = ${id}::uuid
          and (name <> '[erased]' or street <> '[erased]' or email <> '[erased]' or phone <> '[erased]' or postal_code <> '[erased]' or not erased)`,
    );
    assert.equal(plain.n, 0, "no version of the customer keeps a personal field");
  });

  it("asOf must be an ISO date-time with a zone", () => {
    for (const bad of ["yesterday", "2025-01-01", "2025-01-01T10:00", "2025-13-01T00:00:00Z", "1969-12-31T23:59:59Z"]) {
      const parsed = customerListParams.safeParse({ asOf: bad });
      assert.equal(parsed.success, false, bad);
      assert.match(parsed.error!.issues[0].message, /asOf must be/);
    }
    assert.equal(customerListParams.parse({ asOf: "2025-01-01T12:00:00+02:00" }).asOf, "2025-01-01T10:00:00.000Z");
  });
});
