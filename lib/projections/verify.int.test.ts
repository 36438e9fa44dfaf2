import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, it } from "node:test";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { archiveCustomer, changeCustomerAddress, eraseCustomer, registerCustomer, renameCustomer } from "@/lib/commands/customer";
import { ledgerStore } from "@/lib/commands/event-registry";
import type { EventStore } from "@/lib/eventstore";
import { allReadTables, project } from "@/lib/testing/projections";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { projections } from "./index";
import { verifyProjection } from "./verify";

// The drift check: a read row changed behind the projection's back is found, with both versions,
// and Repair rewrites that row and no other.

await describeEachDatabase("drift check", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  const ids: string[] = [];
  before(async () => {
    t = await create();
    store = ledgerStore(t.database.db, randomBytes(32));
    const ctx = { store, actor: "user:test" };
    for (const [name, city] of [["Vera Drift", "Lyon"], ["Walt Stay", "Lyon"], ["Xena Gone", "Nice"], ["Yuri Moved", "Nice"]]) {
      const r = await registerCustomer({ name, address: { street: `1 ${name} St`, city }, email: `${name.split(" ")[0].toLowerCase()}@example.test` }, ctx);
      assert.ok(r.ok);
      ids.push(r.streamId.slice("Customer-".length));
    }
    assert.ok((await renameCustomer(ids[0], { name: "Vera Drifted" }, ctx)).ok);
    assert.ok((await archiveCustomer(ids[1], {}, ctx)).ok);
    assert.ok((await changeCustomerAddress(ids[3], { address: { street: "2 Away Rd", city: "Lyon" } }, ctx)).ok);
    // Projected before the erasure: the rows held plaintext, the recomputation reads it erased.
    await project(t.database, { decode: (db, events) => store.codec.decode(db, events) });
    assert.ok((await eraseCustomer(ids[2], { reason: "GDPR" }, ctx)).ok);
    await project(t.database, { decode: (db, events) => store.codec.decode(db, events) });
  });
  after(() => t.drop());

  const db = () => t.database.db;
  const named = (name: string) => projections.find((p) => p.name === name)!;

  it("finds nothing in tables the projections built, erasure included", async () => {
    for (const projection of projections) {
      const report = await verifyProjection(db(), store.codec, projection);
      assert.equal(report.mismatchCount, 0, `${projection.name}: ${JSON.stringify(report.mismatches[0])}`);
      assert.ok(report.tables.every((table) => table.compared > 0), projection.name);
      assert.ok(report.events > 0);
    }
  });

  it("reports a row edited with SQL, with the stored and the recomputed row, the stream and the position", async () => {
    await db().execute(sql`update customer_list set name = 'Tampered', city = 'Mars' where id = ${ids[0]}::uuid`);
    await db().execute(sql`update city_totals set active = active + 5 where city_key = 'nice'`);
    const report = await verifyProjection(db(), store.codec, named("customer_list"));
    assert.equal(report.mismatchCount, 1);
    const [m] = report.mismatches;
    assert.equal(m.table, "customer_list");
    assert.deepEqual(m.key, { id: ids[0] });
    assert.equal(m.streamId, `Customer-${ids[0]}`);
    assert.deepEqual([m.stored?.name, m.stored?.city], ["Tampered", "Mars"]);
    assert.deepEqual([m.recomputed?.name, m.recomputed?.city], ["Vera Drifted", "Lyon"]);
    const [last] = await query<{ position: number | string }>(db(), sql`select max(position) as position from events where stream_id = ${m.streamId}`);
    assert.equal(m.position, Number(last.position));

    const totals = await verifyProjection(db(), store.codec, named("city_totals"));
    assert.equal(totals.mismatchCount, 1);
    assert.deepEqual([totals.mismatches[0].key, totals.mismatches[0].streamId], [{ city_key: "nice" }, null]);

    // A sample of every stream finds it too; the table without streams says it was not sampled.
    const sampled = await verifyProjection(db(), store.codec, named("customer_list"), { sample: 100 });
    assert.equal(sampled.sampledStreams, 4);
    assert.equal(sampled.mismatchCount, 1);
    const sampledTotals = await verifyProjection(db(), store.codec, named("city_totals"), { sample: 100 });
    assert.match(sampledTotals.tables.find((x) => x.table === "city_totals")?.skipped ?? "", /not sampled/);
  });

  it("a missing row and an extra row are reported too", async () => {
    await db().execute(sql`delete from customer_search where id = ${ids[1]}::uuid`);
    const before = await verifyProjection(db(), store.codec, named("customer_search"));
    assert.equal(before.mismatchCount, 1);
    assert.equal(before.mismatches[0].stored, null);
    assert.equal(before.mismatches[0].recomputed?.name, "Walt Stay");
    await db().execute(sql`insert into customer_search (id, stream_id, document, version) values ('0190a000-0000-7000-8000-0000000000aa', 'Customer-0190a000-0000-7000-8000-0000000000aa', ''::tsvector, 1)`);
    const extra = await verifyProjection(db(), store.codec, named("customer_search"));
    assert.equal(extra.mismatchCount, 2);
    assert.ok(extra.mismatches.some((m) => m.recomputed === null && m.stored?.id === "0190a000-0000-7000-8000-0000000000aa"));
  });

  it("Repair rewrites exactly the mismatched rows: the others keep their physical row and updated_at", async () => {
    const rowsOf = () => query<{ id: string; ctid: string; updated_at: string }>(db(), sql`select id::text as id, ctid::text as ctid, updated_at::text as updated_at from customer_list order by id`);
    const beforeRows = await rowsOf();
    const report = await verifyProjection(db(), store.codec, named("customer_list"), { repair: true });
    assert.equal(report.repaired, 1);
    const afterRows = await rowsOf();
    for (const row of afterRows) {
      const old = beforeRows.find((r) => r.id === row.id)!;
      if (row.id === ids[0]) assert.notEqual(row.ctid, old.ctid, "the tampered row was rewritten");
      else assert.deepEqual(row, old, "untouched");
    }
    for (const name of ["customer_search", "city_totals"]) assert.ok((await verifyProjection(db(), store.codec, named(name), { repair: true })).repaired > 0);
    for (const projection of projections) assert.equal((await verifyProjection(db(), store.codec, projection)).mismatchCount, 0, projection.name);

    // Repaired tables equal a rebuild from the log.
    const repaired = await allReadTables(db());
    const [row] = await query<{ name: string; city: string }>(db(), sql`select name, city from customer_list where id = ${ids[0]}::uuid`);
    assert.deepEqual(row, { name: "Vera Drifted", city: "Lyon" });
    assert.equal(repaired.customer_search.some((r) => r.id === "0190a000-0000-7000-8000-0000000000aa"), false);
  });
});
