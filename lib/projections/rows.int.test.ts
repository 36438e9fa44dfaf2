import assert from "node:assert/strict";
import { it } from "node:test";
import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import { copyFrom } from "@/db/copy";
import { describeEachDatabase, suiteDb } from "@/lib/testing/test-db";
import { customerListTable, listEntryOf, type CustomerListEntry } from "./customer-list";
import { writeRows } from "./rows";

const live = (name: string) => sql`${sql.identifier(name)}`;

/** A list row whose text fields hold what COPY's text format must escape, and what it must not touch. */
function entry(i: number, fields: Partial<CustomerListEntry> = {}): CustomerListEntry {
  const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
  return {
    id,
    streamId: `customer-${id}`,
    name: `Row ${i}`,
    street: "1 Main St",
    city: "Boston",
    region: null,
    postalCode: null,
    country: null,
    email: null,
    phone: null,
    erased: false,
    status: "active",
    version: i,
    registeredAt: "2026-01-02T03:04:05.678Z",
    updatedAt: "2026-01-02T03:04:05.678Z",
    ...fields,
  };
}

const SELECT = sql.raw(`id::text as id, stream_id, name, street, city, region, postal_code, country, email, phone, erased, status, version,
  registered_at, updated_at`);

await describeEachDatabase("keyed rows written with COPY", (_kind, create) => {
  const db = suiteDb(create);

  it("round-trips every value as the fold made it, and the database derives city_key", async () => {
    await db().execute(sql`truncate customer_list`);
    const rows = [
      entry(1, { name: "Tab\there", street: "Line\nbreak\r\nand CR", city: "İstanbul" }),
      entry(2, { name: "Back\\slash \\N \\t", street: "ends with \\", city: "ZÜRICH", region: "", postalCode: "\\N" }),
      entry(3, { name: "Zoë 東京 😀", email: "zoe@example.com", phone: "+41 44 000 00 00", erased: true, status: "archived" }),
      entry(4, { name: "\\", street: "\t", city: "a\tb", country: "NULL", version: 9_007_199_254_740_000 }),
    ];
    // A Date where the fold usually puts ISO text goes in as the same instant.
    const withDate = { ...entry(5), registeredAt: new Date("2026-03-04T05:06:07.089Z") as unknown as string };
    await db().transaction(async (tx) => writeRows(tx as unknown as Db, live, customerListTable, { inserts: [...rows, withDate], updates: [] }));
    const stored = await query<Record<string, unknown>>(db(), sql`select ${SELECT} from customer_list order by id`);
    assert.deepEqual(stored.map(listEntryOf), [...rows, { ...withDate, registeredAt: "2026-03-04T05:06:07.089Z" }]);
    const keys = await query<{ same: boolean }>(db(), sql`select bool_and(city_key = lower(city)) as same from customer_list`);
    assert.equal(keys[0].same, true);
    const [istanbul] = await query<{ city_key: string }>(db(), sql`select city_key from customer_list where id = ${rows[0].id}::uuid`);
    const [lowered] = await query<{ k: string }>(db(), sql`select lower(${"İstanbul"}) as k`);
    assert.equal(istanbul.city_key, lowered.k);
    // An update recomputes it too.
    const moved = { ...rows[1], city: "GENÈVE", version: rows[1].version + 1 };
    await db().transaction(async (tx) => writeRows(tx as unknown as Db, live, customerListTable, { inserts: [], updates: [moved] }));
    const [after] = await query<{ city_key: string }>(db(), sql`select city_key from customer_list where id = ${moved.id}::uuid`);
    assert.equal(after.city_key, (await query<{ k: string }>(db(), sql`select lower(${"GENÈVE"}) as k`))[0].k);
  });

  it("a COPY that fails (a duplicate key) rejects with the database's error, and its savepoint rolls back alone", { timeout: 30_000 }, async () => {
    await db().execute(sql`truncate customer_list`);
    const first = Array.from({ length: 50 }, (_, i) => entry(100 + i));
    await db().transaction(async (tx) => writeRows(tx as unknown as Db, live, customerListTable, { inserts: first, updates: [] }));
    const again = Array.from({ length: 80 }, (_, i) => entry(130 + i));
    let code: unknown;
    await db().transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      try {
        await tx.transaction(async (savepoint) =>
          writeRows(savepoint as unknown as Db, live, customerListTable, { inserts: again, updates: [] }),
        );
      } catch (error) {
        code = (error as { code?: unknown }).code ?? (error as { cause?: { code?: unknown } }).cause?.code;
      }
      // The transaction goes on: the rows that were new go in.
      await writeRows(tx, live, customerListTable, { inserts: again.slice(20), updates: [] });
    });
    assert.equal(code, "23505");
    const [count] = await query<{ n: number | string }>(db(), sql`select count(*) as n from customer_list`);
    assert.equal(Number(count.n), 50 + 60);
    // Nothing is left hanging on the connection: it serves the next statement.
    await copyFrom(db(), sql`copy ${sql.identifier("customer_list")} (id, stream_id, name, street, city, erased, status, version, registered_at, updated_at) from stdin`,
      `00000000-0000-4000-8000-000000000999\tcustomer-x\tX\tS\tC\tf\tactive\t1\t2026-01-01T00:00:00Z\t2026-01-01T00:00:00Z\n`);
    const [total] = await query<{ n: number | string }>(db(), sql`select count(*) as n from customer_list`);
    assert.equal(Number(total.n), 111);
  });
});
