import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import { ERASED } from "@/lib/domain/customer/events";
import type { RecordedEvent } from "@/lib/eventstore";
import { evolveCustomerListEntry, listEntryOf, type CustomerListEntry } from "./customer-list";
import { CUSTOMER_EVENT_TYPES, groupByCustomer, isoOf } from "./customer-row";
import { jsonParam, type Projection, type TableResolver } from "./types";

/**
 * The register over time: every version of every customer as a customer_list row, with `valid`,
 * the time range in which it was the current version (db/schema/read-models.ts). A new version
 * closes the range of the one before it at its own time and opens its own; nothing else changes
 * a stored row, except erasure, which erases the personal columns of every version of that
 * customer (the fields read as erased in a rebuild anyway: the key is gone).
 *
 * Times are the events' timestamps as the store gives them (millisecond precision), so "as of T"
 * means "after every event stamped at or before T". A version is never valid before the one it
 * follows: its range starts at the later of its time and the previous version's start (two
 * events of one append share a time; the first then holds for an empty range, never shown).
 */
export interface CustomerHistoryEntry extends CustomerListEntry {
  validFrom: string;
  /** null: still the current version. */
  validTo: string | null;
}

/** A stored current version that a batch closes at `to`. */
interface Closing {
  id: string;
  version: number;
  to: string;
}

/** What one batch writes: ranges to close, versions to insert, customers to erase. Pure. */
export interface HistoryChanges {
  closings: Closing[];
  inserts: CustomerHistoryEntry[];
  erased: string[];
}

const later = (a: string, b: string) => (new Date(a).getTime() >= new Date(b).getTime() ? a : b);

/**
 * Fold one customer's events of a batch onto its stored current version (null: none yet).
 * Duplicates and unusable events change nothing (evolveCustomerListEntry returns the row itself).
 */
export function foldHistory(
  id: string,
  current: CustomerHistoryEntry | null,
  events: readonly RecordedEvent[],
  into: HistoryChanges,
): void {
  let row: CustomerHistoryEntry | null = current;
  let stored = current !== null;
  for (const event of events) {
    const next = evolveCustomerListEntry(row, id, event);
    if (!next || next === row) continue;
    const from = row ? later(isoOf(event.timestamp), row.validFrom) : isoOf(event.timestamp);
    if (row && stored) into.closings.push({ id, version: row.version, to: from });
    else if (row) row.validTo = from;
    row = { ...next, validFrom: from, validTo: null };
    stored = false;
    into.inserts.push(row);
    if (event.type === "CustomerErased") into.erased.push(id);
  }
}

const COLUMNS = `id::text as id, stream_id, name, street, city, region, postal_code, country, email, phone, erased, status,
  version, registered_at, updated_at, lower(valid) as valid_from, upper(valid) as valid_to`;

/** A stored row as the fold sees it. */
export function historyEntryOf(r: Record<string, unknown>): CustomerHistoryEntry {
  return {
    ...listEntryOf(r),
    validFrom: r.valid_from === null || r.valid_from === undefined ? isoOf(r.updated_at) : isoOf(r.valid_from),
    validTo: r.valid_to === null || r.valid_to === undefined ? null : isoOf(r.valid_to),
  };
}

/** The current versions of these customers (open ranges), by id. */
async function currentVersions(tx: Db, table: TableResolver, ids: readonly string[]) {
  const rows = await query<Record<string, unknown>>(
    tx,
    sql`select ${sql.raw(COLUMNS)} from ${table("customer_history")}
        where id in (select value::uuid from json_array_elements_text(${jsonParam(ids)}::text::json)) and upper_inf(valid)`,
  );
  return new Map(rows.map((r) => [String(r.id), historyEntryOf(r)]));
}

const RECORD = `id uuid, "streamId" text, name text, street text, city text, region text, "postalCode" text, country text,
  email text, phone text, erased boolean, status text, version bigint, "registeredAt" timestamptz, "updatedAt" timestamptz,
  "validFrom" timestamptz, "validTo" timestamptz`;

/** Insert versions (a replayed one already there is left as it is). */
export async function insertHistory(tx: Db, table: TableResolver, rows: readonly CustomerHistoryEntry[]) {
  if (!rows.length) return;
  await tx.execute(sql`
    insert into ${table("customer_history")} (id, version, stream_id, name, street, city, region, postal_code, country,
      email, phone, erased, status, registered_at, updated_at, valid)
    select r.id, r.version, r."streamId", r.name, r.street, r.city, r.region, r."postalCode", r.country,
      r.email, r.phone, r.erased, r.status, r."registeredAt", r."updatedAt", tstzrange(r."validFrom", r."validTo", '[)')
    from json_to_recordset(${JSON.stringify(rows)}::text::json) as r(${sql.raw(RECORD)})
    on conflict (id, version) do nothing`);
}

/** Erase the personal columns of every version of these customers (as customer_list's erasedEntry does). */
export async function eraseHistory(tx: Db, table: TableResolver, ids: readonly string[]) {
  if (!ids.length) return;
  await tx.execute(sql`
    update ${table("customer_history")} set name = ${ERASED}, street = ${ERASED},
      postal_code = case when postal_code is null then null else ${ERASED} end,
      email = case when email is null then null else ${ERASED} end,
      phone = case when phone is null then null else ${ERASED} end,
      erased = true
    where id in (select value::uuid from json_array_elements_text(${jsonParam(ids)}::text::json))`);
}

async function applyChanges(tx: Db, table: TableResolver, changes: HistoryChanges) {
  if (changes.closings.length) {
    await tx.execute(sql`
      update ${table("customer_history")} as t set valid = tstzrange(lower(t.valid), greatest(lower(t.valid), r."to"), '[)')
      from json_to_recordset(${JSON.stringify(changes.closings)}::text::json) as r(id uuid, version bigint, "to" timestamptz)
      where t.id = r.id and t.version = r.version and upper_inf(t.valid)`);
  }
  await insertHistory(tx, table, changes.inserts);
  await eraseHistory(tx, table, changes.erased);
}

/** customer_history: the list's rows, every version, each with the time range it held. */
export const customerHistoryProjection: Projection = {
  name: "customer_history",
  tables: ["customer_history"],
  canHandle: CUSTOMER_EVENT_TYPES,
  async handle(tx, events, table) {
    const groups = groupByCustomer(events);
    if (!groups.size) return;
    const current = await currentVersions(tx, table, [...groups.keys()]);
    const changes: HistoryChanges = { closings: [], inserts: [], erased: [] };
    for (const [id, group] of groups) foldHistory(id, current.get(id) ?? null, group, changes);
    await applyChanges(tx, table, changes);
  },
};
