import { ERASED } from "@/lib/domain/customer/events";
import type { RecordedEvent } from "@/lib/eventstore";
import { contactOf, CUSTOMER_EVENT_TYPES, groupByCustomer, isoOf, nameOf, newAddressOf, warnSkipped } from "./customer-row";
import { keyedRowProjection } from "./keyed";
import type { KeyedFold, RowTable } from "./rows";
import type { Projection } from "./types";

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
  email: string | null;
  phone: string | null;
  erased: boolean;
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
      ...(contactOf(event) ?? { email: null, phone: null }),
      erased: false,
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
    case "CustomerContactChanged":
      Object.assign(next, contactOf(event));
      return next;
    case "CustomerErased":
      return erasedEntry(next);
    default:
      return row;
  }
}

/**
 * The row with its personal fields cleared (CustomerErased). A rebuild reads those fields as
 * ERASED already (the key is gone) and ends here too, so both give the same row.
 */
function erasedEntry(row: CustomerListEntry): CustomerListEntry {
  return {
    ...row,
    name: ERASED,
    street: ERASED,
    postalCode: row.postalCode ? ERASED : null,
    email: row.email ? ERASED : null,
    phone: row.phone ? ERASED : null,
    erased: true,
  };
}

/** customer_list as the row writer sees it: the fields sent per row, city_key derived in SQL. */
const customerListTable: RowTable<CustomerListEntry> = {
  table: "customer_list",
  key: "id",
  fields: {
    id: "uuid",
    stream_id: "text",
    name: "text",
    street: "text",
    city: "text",
    region: "text",
    postal_code: "text",
    country: "text",
    email: "text",
    phone: "text",
    erased: "boolean",
    status: "text",
    version: "bigint",
    registered_at: "timestamptz",
    updated_at: "timestamptz",
  },
  computed: { city_key: "lower(r.city)" },
  properties: { stream_id: "streamId", postal_code: "postalCode", registered_at: "registeredAt", updated_at: "updatedAt" },
  // A replayed batch never moves a row backwards, even if it raced past the fold below.
  guard: "t.version < r.version",
};

/** A stored customer_list row (or a row of the same columns) as the fold sees it. */
export function listEntryOf(r: Record<string, unknown>): CustomerListEntry {
  return {
    id: String(r.id),
    streamId: String(r.stream_id),
    name: String(r.name),
    street: String(r.street),
    city: String(r.city),
    region: (r.region as string | null) ?? null,
    postalCode: (r.postal_code as string | null) ?? null,
    country: (r.country as string | null) ?? null,
    email: (r.email as string | null) ?? null,
    phone: (r.phone as string | null) ?? null,
    erased: r.erased === true || r.erased === "t",
    status: r.status as CustomerListEntry["status"],
    version: Number(r.version),
    registeredAt: isoOf(r.registered_at),
    updatedAt: isoOf(r.updated_at),
  };
}

/** customer_list rows from the batch's events of each customer (see applyKeyed). */
const customerListFold: KeyedFold<CustomerListEntry> = {
  select: `id::text as id, stream_id, name, street, city, region, postal_code, country, email, phone, erased, status, version,
           registered_at, updated_at`,
  fromStored: listEntryOf,
  fold(id, before, events) {
    let row = before;
    for (const event of events) row = evolveCustomerListEntry(row, id, event);
    return { row };
  },
};

/** One row per customer: filterable by city (city_key = lower(city)) and status, sortable by name. */
export const customerListProjection: Projection = keyedRowProjection({
  name: "customer_list",
  tables: ["customer_list"],
  canHandle: CUSTOMER_EVENT_TYPES,
  key: groupByCustomer,
  rows: customerListTable,
  fold: customerListFold,
});
