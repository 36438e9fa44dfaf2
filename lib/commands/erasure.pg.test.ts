import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { rawQuery, type Db } from "@/db/client";
import { ERASED, customerStreamId } from "@/lib/domain/customer/events";
import type { EventStore } from "@/lib/eventstore";
import { projections } from "@/lib/projections";
import { requestRebuild } from "@/lib/projections/runner";
import { getCustomerRow } from "@/lib/queries/customer";
import { allReadTables, project } from "@/lib/testing/projections";
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from "@/lib/testing/test-db";
import { stateAt } from "@/lib/timeline/state-at";
import {
  archiveCustomer,
  changeCustomerAddress,
  changeCustomerContact,
  eraseCustomer,
  registerCustomer,
  renameCustomer,
} from "./customer";
import { ledgerStore } from "./event-registry";

/**
 * Every personal value of a history contains its tag and "_" (any case; "_" is not in base64, so no
 * ciphertext can contain it), or is one of its phones (the
 * digit after +47555 is the history's). Two histories, two tags: the control customer's values
 * legitimately stay in its read rows.
 */
const phoneOf = (tag: string, n: number) => `+47555${tag === "ZQX" ? 1 : 2}000${n}`;
const leaks = (text: string, tag: string) =>
  [new RegExp(`${tag}_`, "i").exec(text)?.[0], ...[0, 1, 2].map((n) => phoneOf(tag, n).slice(1)).filter((p) => text.includes(p))].filter(Boolean);

/** Every table of the database, each row as text (what `pg_dump --data-only` would show). */
async function dumpTables(db: Db): Promise<Map<string, string>> {
  const tables = await rawQuery<{ name: string }>(
    db,
    "select quote_ident(table_schema) || '.' || quote_ident(table_name) as name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') and table_type = 'BASE TABLE'",
    [],
  );
  const dump = new Map<string, string>();
  for (const { name } of tables) {
    const rows = await rawQuery<{ row: string }>(db, `select t::text as row from ${name} t`, []);
    dump.set(name, rows.map((r) => r.row).join("\n"));
  }
  return dump;
}

const actor = "user:admin-1";

/** A customer with distinctive personal values, changed twice, snapshotted, projected, timeline replayed. */
async function historyOf(t: TestDatabase, store: EventStore, tag: string) {
  const ctx = { store, actor: "user:editor-1", snapshotEvery: 2 };
  const first = phoneOf(tag, 0).replace(/^(\+\d{2})(\d{3})/, "$1 $2 "); // typed with spaces, stored normalised
  const { id } = await registerCustomer(
    { name: `Ada ${tag}_name0`, address: { street: `${tag}_street0 Road`, city: "Oslo", postalCode: `${tag}_0` }, email: `${tag}_zero@example.test`, phone: first },
    ctx,
  );
  for (const n of [1, 2]) {
    assert.equal((await renameCustomer(id, { name: `Ada ${tag}_name${n}` }, ctx)).ok, true);
    assert.equal((await changeCustomerAddress(id, { address: { street: `${tag}_street${n} Road`, city: "Oslo", postalCode: `${tag}_${n}` } }, ctx)).ok, true);
    assert.equal((await changeCustomerContact(id, { email: `${tag}_n${n}@example.test`, phone: phoneOf(tag, n) }, ctx)).ok, true);
  }
  await project(t.database, { decode: (db, events) => store.codec.decode(db, events) });
  const streamId = customerStreamId(id);
  for (let v = 1; v <= 7; v++) await stateAt(store, streamId, v); // the timeline's in-memory replays too
  return { id, streamId };
}

await describePostgres("erasure by crypto-shredding, end to end", () => {
  let t: TestDatabase;
  let store: EventStore;
  before(async () => {
    t = await createPostgresTestDatabase();
    store = ledgerStore(t.database.db, randomBytes(32));
  });
  after(() => t.drop());

  describe("without erasure (control)", () => {
    it("holds the personal values only as ciphertext in events and snapshots", async () => {
      const { id, streamId } = await historyOf(t, store, "KWV");
      const dump = await dumpTables(t.database.db);
      for (const table of ["public.events", "public.snapshots", "public.data_keys", "public.commands"]) {
        assert.deepEqual(leaks(dump.get(table) ?? "", "KWV"), [], `${table} holds a personal value in the clear`);
      }
      assert.match(dump.get("public.events")!, /\$enc/);
      assert.match(dump.get("public.snapshots")!, /\$enc/);
      // …and yet every reader sees them (the read table may hold them in the clear before erasure).
      assert.equal((await getCustomerRow(t.database.db, id))?.email, "KWV_n2@example.test");
      const at1 = await stateAt(store, streamId, 1);
      assert.equal(at1.state.status === "active" && at1.state.phone, phoneOf("KWV", 0));
    });
  });

  describe("with erasure", () => {
    let id: string;
    let streamId: string;
    let before: Awaited<ReturnType<typeof stateAt>>[];
    it("erases: CustomerErased appended by the admin, the key deleted", async () => {
      ({ id, streamId } = await historyOf(t, store, "ZQX"));
      before = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((v) => stateAt(store, streamId, v)));
      const result = await eraseCustomer(id, { reason: "GDPR request 42" }, { store, actor });
      assert.equal(result.ok, true);
      await project(t.database, { decode: (db, events) => store.codec.decode(db, events) });
    });

    it("leaves no personal value in the clear anywhere in the database", async () => {
      const dump = await dumpTables(t.database.db);
      for (const [table, text] of dump) assert.deepEqual(leaks(text, "ZQX"), [], `${table} holds a personal value in the clear`);
    });

    it("shows every version as erased on the timeline; versions, times, actors, types and changed fields remain", async () => {
      for (let v = 1; v <= 8; v++) {
        const at = await stateAt(store, streamId, v);
        assert.ok(at.state.status === "active" || at.state.status === "archived");
        assert.equal(at.state.name, ERASED, `v${v}`);
        assert.equal(at.state.address.street, ERASED, `v${v}`);
        assert.equal(at.state.email, ERASED, `v${v}`);
        assert.equal(at.state.address.city, "Oslo");
        assert.doesNotMatch(JSON.stringify([at.state, at.event.data]), /zqx_/i);
        if (v <= 7) {
          assert.equal(at.event.type, before[v - 1].event.type);
          assert.equal(at.event.timestamp, before[v - 1].event.timestamp);
          assert.equal(at.event.metadata.actor, "user:editor-1");
          assert.deepEqual(Object.keys(at.event.data as object).sort(), Object.keys(before[v - 1].event.data as object).sort());
        } else {
          assert.equal(at.event.type, "CustomerErased");
          assert.equal(at.event.metadata.actor, actor);
        }
      }
    });

    it("reads erased through the read table, and a rebuild of every projection gives the same", async () => {
      const row = await getCustomerRow(t.database.db, id);
      assert.deepEqual([row?.name, row?.email, row?.phone, row?.erased, row?.city], [ERASED, ERASED, ERASED, true, "Oslo"]);
      const incremental = await allReadTables(t.database.db);
      for (const projection of projections) assert.equal(await requestRebuild(t.database.db, projection), true);
      await project(t.database, { decode: (db, events) => store.codec.decode(db, events) });
      assert.deepEqual(await allReadTables(t.database.db), incremental);
    });

    it("refuses every command on the customer with customer_erased", async () => {
      const ctx = { store, actor };
      for (const result of [
        await renameCustomer(id, { name: "New" }, ctx),
        await changeCustomerContact(id, { email: null }, ctx),
        await archiveCustomer(id, {}, ctx),
        await eraseCustomer(id, { reason: "again" }, ctx),
      ]) {
        assert.deepEqual(result, { ok: false, error: { code: "customer_erased" } });
      }
    });
  });

  describe("legacy data (written in the clear before encryption)", () => {
    it("refuses to erase with customer_unerasable, and appends nothing", async () => {
      const streamId = customerStreamId(uuidv7());
      const meta = JSON.stringify({ commandId: uuidv7(), correlationId: uuidv7(), causationId: null, actor: "system" });
      await rawQuery(
        t.database.db,
        `insert into events (id, stream_id, version, type, schema_version, data, metadata)
         values ($1, $2, 1, 'CustomerRegistered', 1, '{"name":"Plain Old","address":{"street":"1 Clear St","city":"Oslo"}}'::jsonb, $3::text::jsonb)`,
        [uuidv7(), streamId, meta],
      );
      const id = streamId.slice("Customer-".length);
      assert.deepEqual(await eraseCustomer(id, { reason: "GDPR" }, { store, actor }), { ok: false, error: { code: "customer_unerasable" } });
      assert.equal(await store.streamVersion(streamId), 1);
      // It still works otherwise: read as v2, and commands run (their new events are encrypted).
      assert.equal((await changeCustomerContact(id, { email: "plain@example.test" }, { store, actor })).ok, true);
    });
  });
});
