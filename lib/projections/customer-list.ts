import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import type { RecordedEvent } from "@/lib/eventstore";
import {
  CUSTOMER_EVENT_TYPES,
  groupByCustomer,
  isoOf,
  nameOf,
  newAddressOf,
  warnSkipped,
} from "./customer-row";
import { jsonParam, type Projection, type TableResolver } from "./types";

/** A customer_list row as the fold sees it (timestamps as ISO text). `city_key` is derived in SQL. */
export interface CustomerListEntry {
  id: string;
  streamId: string;
  name: string;
  street: string;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string | null;
  status: "active" | "archived";
  version: number;
  registeredAt: string;
  updatedAt: string;
}

/**
 * The list row after `event`. Pure. Returns `row` itself when the event changes nothing: already
 * applied (version not above the row's: a duplicate delivery), or unusable (logged).
 */
export function evolveCustomerListEntry(
  row: CustomerListEntry | null,
  id: string,
  event: RecordedEvent,
): CustomerListEntry | null {
  if (row && event.version <= row.version) return row;
  if (event.type === "CustomerRegistered") {
    const name = nameOf(event);
    const address = newAddressOf(event);
    if (row || !name || !address) {
      warnSkipped(event, row ? "customer already registered" : "registration without name or address");
      return row;
    }
    return {
      id,
      streamId: event.streamId,
      name,
      ...address,
      status: "active",
      version: event.version,
      registeredAt: event.timestamp,
      updatedAt: event.timestamp,
    };
  }
  if (!row) {
    warnSkipped(event, "no registration seen for this customer");
    return row;
  }
  const next = { ...row, version: event.version, updatedAt: event.timestamp };
  switch (event.type) {
    case "CustomerRenamed": {
      const name = nameOf(event);
      if (name) next.name = name;
      else warnSkipped(event, "rename without a name");
      return next;
    }
    case "CustomerAddressUpdated": {
      const address = newAddressOf(event);
      if (address) Object.assign(next, address);
      else warnSkipped(event, "address update without an address");
      return next;
    }
    case "CustomerArchived":
      next.status = "archived";
      return next;
    default:
      return row;
  }
}

const columns = sql.raw(
  "id, stream_id, name, street, city, city_key, region, postal_code, country, status, version, registered_at, updated_at",
);

async function apply(tx: Db, events: readonly RecordedEvent[], table: TableResolver) {
  const groups = groupByCustomer(events);
  if (!groups.size) return;
  const t = table("customer_list");
  const current = await query<Record<string, unknown>>(
    tx,
    sql`select id::text as id, stream_id, name, street, city, region, postal_code, country, status, version,
               registered_at, updated_at
        from ${t} where id in (select value::uuid from jsonb_array_elements_text(${jsonParam([...groups.keys()])}::text::jsonb))`,
  );
  const rows = new Map<string, CustomerListEntry>();
  for (const r of current) {
    rows.set(String(r.id), {
      id: String(r.id),
      streamId: String(r.stream_id),
      name: String(r.name),
      street: String(r.street),
      city: String(r.city),
      region: (r.region as string | null) ?? null,
      postalCode: (r.postal_code as string | null) ?? null,
      country: (r.country as string | null) ?? null,
      status: r.status as CustomerListEntry["status"],
      version: Number(r.version),
      registeredAt: isoOf(r.registered_at),
      updatedAt: isoOf(r.updated_at),
    });
  }
  const changed: CustomerListEntry[] = [];
  for (const [id, group] of groups) {
    const before = rows.get(id) ?? null;
    let row = before;
    for (const event of group) row = evolveCustomerListEntry(row, id, event);
    if (row && row !== before) changed.push(row);
  }
  if (!changed.length) return;
  // One statement for the whole batch. `where t.version < excluded.version` keeps a replayed batch
  // from moving a row backwards even if it raced past the fold above.
  await tx.execute(sql`
    insert into ${t} as t (${columns})
    select r.id, r.stream_id, r.name, r.street, r.city, lower(r.city), r.region, r.postal_code, r.country,
           r.status, r.version, r.registered_at, r.updated_at
    from jsonb_to_recordset(${jsonParam(
      changed.map((r) => ({
        id: r.id,
        stream_id: r.streamId,
        name: r.name,
        street: r.street,
        city: r.city,
        region: r.region,
        postal_code: r.postalCode,
        country: r.country,
        status: r.status,
        version: r.version,
        registered_at: r.registeredAt,
        updated_at: r.updatedAt,
      })),
    )}::text::jsonb) as r(id uuid, stream_id text, name text, street text, city text, region text,
                          postal_code text, country text, status text, version bigint,
                          registered_at timestamptz, updated_at timestamptz)
    on conflict (id) do update set
      stream_id = excluded.stream_id, name = excluded.name, street = excluded.street, city = excluded.city,
      city_key = excluded.city_key, region = excluded.region, postal_code = excluded.postal_code,
      country = excluded.country, status = excluded.status, version = excluded.version,
      registered_at = excluded.registered_at, updated_at = excluded.updated_at
    where t.version < excluded.version`);
}

/** One row per customer: filterable by city (city_key = lower(city)) and status, sortable by name. */
export const customerListProjection: Projection = {
  name: "customer_list",
  tables: ["customer_list"],
  canHandle: CUSTOMER_EVENT_TYPES,
  apply,
};
