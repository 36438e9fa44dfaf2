import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import type { RecordedEvent } from "@/lib/eventstore";
import { addressText, CUSTOMER_EVENT_TYPES, groupByCustomer, nameOf, newAddressOf, warnSkipped } from "./customer-row";
import { jsonParam, type Projection, type TableResolver } from "./types";

/** What the search row is built from: the name and the address as one line of text. */
export interface CustomerSearchEntry {
  id: string;
  streamId: string;
  name: string;
  address: string;
  version: number;
}

/** The search entry after `event`. Pure; returns `row` itself when nothing changes. */
export function evolveCustomerSearchEntry(
  row: CustomerSearchEntry | null,
  id: string,
  event: RecordedEvent,
): CustomerSearchEntry | null {
  if (row && event.version <= row.version) return row;
  if (event.type === "CustomerRegistered") {
    const name = nameOf(event);
    const address = newAddressOf(event);
    if (row || !name || !address) {
      warnSkipped(event, row ? "customer already registered" : "registration without name or address");
      return row;
    }
    return { id, streamId: event.streamId, name, address: addressText(address), version: event.version };
  }
  if (!row) {
    warnSkipped(event, "no registration seen for this customer");
    return row;
  }
  const next = { ...row, version: event.version };
  if (event.type === "CustomerRenamed") next.name = nameOf(event) ?? row.name;
  if (event.type === "CustomerAddressUpdated") {
    const address = newAddressOf(event);
    if (address) next.address = addressText(address);
  }
  // CustomerArchived only moves the version: archived customers stay findable (the list filters status).
  return next;
}

async function apply(tx: Db, events: readonly RecordedEvent[], table: TableResolver) {
  const groups = groupByCustomer(events);
  if (!groups.size) return;
  const t = table("customer_search");
  const current = await query<{ id: string; stream_id: string; name: string; address: string; version: number | string }>(
    tx,
    sql`select id::text as id, stream_id, name, address, version from ${t}
        where id in (select value::uuid from jsonb_array_elements_text(${jsonParam([...groups.keys()])}::text::jsonb))`,
  );
  const rows = new Map<string, CustomerSearchEntry>(
    current.map((r) => [r.id, { id: r.id, streamId: r.stream_id, name: r.name, address: r.address, version: Number(r.version) }]),
  );
  const changed: CustomerSearchEntry[] = [];
  for (const [id, group] of groups) {
    const before = rows.get(id) ?? null;
    let row = before;
    for (const event of group) row = evolveCustomerSearchEntry(row, id, event);
    if (row && row !== before) changed.push(row);
  }
  if (!changed.length) return;
  // 'simple' configuration: no stemming or stop words, so names in any language and partial
  // words (prefix queries, `to_tsquery('simple', 'ali:*')`) match as typed. Name ranks above address.
  await tx.execute(sql`
    insert into ${t} as t (id, stream_id, name, address, version, document)
    select r.id, r.stream_id, r.name, r.address, r.version,
           setweight(to_tsvector('simple', r.name), 'A') || setweight(to_tsvector('simple', r.address), 'B')
    from jsonb_to_recordset(${jsonParam(
      changed.map((r) => ({ id: r.id, stream_id: r.streamId, name: r.name, address: r.address, version: r.version })),
    )}::text::jsonb) as r(id uuid, stream_id text, name text, address text, version bigint)
    on conflict (id) do update set
      stream_id = excluded.stream_id, name = excluded.name, address = excluded.address,
      version = excluded.version, document = excluded.document
    where t.version < excluded.version`);
}

/** Full-text search over name (weight A) and address (weight B). */
export const customerSearchProjection: Projection = {
  name: "customer_search",
  tables: ["customer_search"],
  canHandle: CUSTOMER_EVENT_TYPES,
  apply,
};
