import { ERASED } from "@/lib/domain/customer/events";
import type { RecordedEvent } from "@/lib/eventstore";
import { addressText, contactOf, contactText, CUSTOMER_EVENT_TYPES, groupByCustomer, nameOf, newAddressOf, warnSkipped } from "./customer-row";
import { keyedRowProjection } from "./keyed";
import type { KeyedFold, RowTable } from "./rows";
import type { Projection } from "./types";

/** What the search row is built from: the name and the address as one line of text. */
export interface CustomerSearchEntry {
  id: string;
  streamId: string;
  name: string;
  address: string;
  contact: string;
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
    const contact = contactText(contactOf(event) ?? { email: null, phone: null });
    return { id, streamId: event.streamId, name, address: addressText(address), contact, version: event.version };
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
  if (event.type === "CustomerContactChanged") next.contact = contactText(contactOf(event)!);
  // Erased: nothing personal stays searchable (a rebuild, reading ERASED, ends the same).
  if (event.type === "CustomerErased") Object.assign(next, { name: ERASED, address: "", contact: "" });
  // CustomerArchived only moves the version: archived customers stay findable (the list filters status).
  return next;
}

/**
 * customer_search as the row writer sees it. 'simple' configuration: no stemming or stop words,
 * so names in any language and partial words (prefix queries, `to_tsquery('simple', 'ali:*')`)
 * match as typed. Name ranks above address.
 */
const customerSearchTable: RowTable<CustomerSearchEntry> = {
  table: "customer_search",
  key: "id",
  fields: { id: "uuid", stream_id: "text", name: "text", address: "text", contact: "text", version: "bigint" },
  computed: {
    document:
      "setweight(to_tsvector('simple', r.name), 'A') || setweight(to_tsvector('simple', r.address), 'B') || setweight(to_tsvector('simple', r.contact), 'B')",
  },
  properties: { stream_id: "streamId" },
  guard: "t.version < r.version",
};

const customerSearchFold: KeyedFold<CustomerSearchEntry> = {
  select: "id::text as id, stream_id, name, address, contact, version",
  fromStored: (r) => ({
    id: String(r.id),
    streamId: String(r.stream_id),
    name: String(r.name),
    address: String(r.address),
    contact: String(r.contact ?? ""),
    version: Number(r.version),
  }),
  fold(id, before, events) {
    let row = before;
    for (const event of events) row = evolveCustomerSearchEntry(row, id, event);
    return { row };
  },
};

/** Full-text search over name (weight A) and address (weight B). */
export const customerSearchProjection: Projection = keyedRowProjection({
  name: "customer_search",
  tables: ["customer_search"],
  canHandle: CUSTOMER_EVENT_TYPES,
  key: groupByCustomer,
  rows: customerSearchTable,
  fold: customerSearchFold,
});
