import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { address, addressUpdated, archived, registered, renamed } from "@/lib/domain/customer/builders";
import type { EventStore } from "@/lib/eventstore";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { projections } from "./index";
import { allReadTables, andThen, givenCustomer, project, storeOf, tableRows } from "@/lib/testing/projections";

// Given events → then rows, for each read model, on PGlite and PostgreSQL.

await describeEachDatabase("read models", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  before(async () => {
    t = await create();
    store = storeOf(t.database);
  });
  after(() => t.drop());

  const db = () => t.database.db;

  it("customer_list: one row per customer, as of its last event, with its stream and version", async () => {
    const ada = await givenCustomer(store, [
      registered({ name: "Ada Lovelace", address: address({ street: "1 Analytical Row", city: "London", country: "GB" }) }),
    ]);
    await andThen(store, ada.id, [
      renamed("Ada King", "Ada Lovelace"),
      addressUpdated(address({ street: "12 St James's Sq", city: "LONDON", postalCode: "SW1Y" })),
    ]);
    const grace = await givenCustomer(store, [registered({ name: "Grace Hopper", address: address({ city: "Arlington" }) })]);
    const [archivedEvent] = await andThen(store, grace.id, [archived("retired")]);

    await project(t.database);

    const rows = await query<Record<string, unknown>>(
      db(),
      sql`select id::text as id, stream_id, name, street, city, city_key, region, postal_code, country, status, version, registered_at, updated_at
          from customer_list where id in (${ada.id}, ${grace.id}) order by name`,
    );
    assert.equal(rows.length, 2);
    const [adaRow, graceRow] = rows;
    assert.deepEqual(
      { ...adaRow, registered_at: undefined, updated_at: undefined },
      {
        id: ada.id,
        stream_id: ada.streamId,
        name: "Ada King",
        street: "12 St James's Sq",
        city: "LONDON",
        city_key: "london",
        region: null,
        postal_code: "SW1Y",
        country: null,
        status: "active",
        version: 3,
        registered_at: undefined,
        updated_at: undefined,
      },
    );
    assert.equal(new Date(adaRow.registered_at as string).toISOString(), ada.events[0].timestamp);
    assert.equal(graceRow.status, "archived");
    assert.equal(Number(graceRow.version), 2);
    assert.equal(new Date(graceRow.updated_at as string).toISOString(), archivedEvent.timestamp);
  });

  it("customer_search: ranks name matches above address matches, matches prefixes and foreign names", async () => {
    const byName = await givenCustomer(store, [registered({ name: "Zoë Oakley", address: address({ street: "1 Pine Rd", city: "Leeds" }) })]);
    const byStreet = await givenCustomer(store, [registered({ name: "Bob Smith", address: address({ street: "4 Oakley Lane", city: "York" }) })]);
    const renamedOne = await givenCustomer(store, [registered({ name: "Old Name", address: address({ city: "Bergen" }) })]);
    await andThen(store, renamedOne.id, [renamed("Håkon Ødegård", "Old Name")]);

    await project(t.database);

    const search = (q: string) =>
      query<{ id: string }>(
        db(),
        sql`select id::text as id from customer_search where document @@ to_tsquery('simple', ${q})
            order by ts_rank(document, to_tsquery('simple', ${q})) desc, id`,
      );
    assert.deepEqual((await search("oakley")).map((r) => r.id), [byName.id, byStreet.id]);
    assert.deepEqual((await search("oak:*")).map((r) => r.id), [byName.id, byStreet.id]);
    assert.deepEqual((await search("håkon")).map((r) => r.id), [renamedOne.id]);
    assert.deepEqual((await search("ødeg:*")).map((r) => r.id), [renamedOne.id]);
    // The rename kept the address searchable; the old name is gone.
    assert.deepEqual((await search("bergen & håkon")).map((r) => r.id), [renamedOne.id]);
    assert.equal((await search("old & name")).length, 0);
  });

  it("city_totals: counts per city case-insensitively; a move and an archive shift the counts", async () => {
    const city = `Tromsø${Date.now()}`;
    const other = `Bodø${Date.now()}`;
    const a = await givenCustomer(store, [registered({ address: address({ city }) })]);
    const b = await givenCustomer(store, [registered({ address: address({ city: city.toUpperCase() }) })]);
    await givenCustomer(store, [registered({ address: address({ city }) })]);
    await andThen(store, a.id, [addressUpdated(address({ city: other }))]);
    await andThen(store, b.id, [archived()]);

    await project(t.database);

    const totals = await query<{ city_key: string; active: number; archived: number }>(
      db(),
      sql`select city_key, active, archived from city_totals where city_key in (lower(${city}), lower(${other})) order by city_key`,
    );
    assert.deepEqual(
      totals.map((r) => ({ ...r, active: Number(r.active), archived: Number(r.archived) })),
      [
        { city_key: other.toLowerCase(), active: 1, archived: 0 },
        { city_key: city.toLowerCase(), active: 1, archived: 1 },
      ],
    );
  });

  it("city_totals: a city nobody lives in any more disappears", async () => {
    const city = `Ghost Town ${Date.now()}`;
    const a = await givenCustomer(store, [registered({ address: address({ city }) })]);
    await project(t.database);
    await andThen(store, a.id, [addressUpdated(address({ city: "Elsewhere" }))]);
    await project(t.database);
    const rows = await query(db(), sql`select 1 from city_totals where city_key = lower(${city})`);
    assert.equal(rows.length, 0);
  });

  it("a duplicate delivery of already applied events changes no table", async () => {
    const c = await givenCustomer(store, [registered({ name: "Dup", address: address({ city: "Dupville" }) })]);
    await andThen(store, c.id, [addressUpdated(address({ city: "Twice" })), renamed("Dup Two", "Dup")]);
    await andThen(store, c.id, [addressUpdated(address({ city: "Dupville" })), renamed("Dup", "Dup Two"), archived()]);
    await project(t.database);
    const before = await allReadTables(db());

    const { events } = await store.readAll({ limit: 10_000 });
    const mine = events.filter((e) => e.streamId === c.streamId);
    const live = (name: string) => sql`${sql.identifier(name)}`;
    await db().transaction(async (tx) => {
      for (const projection of projections) {
        // The whole log again; then older events alone (a stale redelivery must not move rows back).
        await projection.handle(tx as never, events, live);
        for (let k = 1; k < mine.length; k++) await projection.handle(tx as never, mine.slice(0, k), live);
        await projection.handle(tx as never, mine.slice(2, 4), live);
      }
    });

    assert.deepEqual(await allReadTables(db()), before);
  });

  it("every read row records the stream and version it reflects", async () => {
    const c = await givenCustomer(store, [registered()]);
    await andThen(store, c.id, [renamed("Someone Else")]);
    await project(t.database);
    for (const table of ["customer_list", "customer_search", "city_totals_customers"]) {
      const rows = (await tableRows(db(), table)).filter((r) => r.id === c.id);
      assert.deepEqual(
        rows.map((r) => [r.stream_id, Number(r.version)]),
        [[c.streamId, 2]],
        table,
      );
    }
  });
});
