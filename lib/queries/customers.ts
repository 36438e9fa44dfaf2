import { eq } from "drizzle-orm";
import { z } from "zod";
import { rawQuery, type Db } from "@/db/client";
import { customerList, type CustomerListRow } from "@/db/schema";
import { loadCustomer } from "@/lib/commands/customer";
import { customerStreamId } from "@/lib/domain/customer/events";
import type { Address } from "@/lib/domain/customer/schema";
import type { RegisteredCustomer } from "@/lib/domain/customer/state";
import type { EventStore, RecordedEvent } from "@/lib/eventstore";
import { intParam, optionalParam } from "./params";

/** A list item: the read-table row as the API shows it (SPEC §4). */
export interface CustomerListItem {
  id: string;
  streamId: string;
  name: string;
  address: Address;
  city: string;
  status: "active" | "archived";
  version: number;
  registeredAt: string;
  updatedAt: string;
}

/** The read-table columns a list item is made of. */
export type CustomerListItemRow = Omit<CustomerListRow, "cityKey">;

export function toListItem(row: CustomerListItemRow): CustomerListItem {
  const address: Address = { street: row.street, city: row.city };
  if (row.region) address.region = row.region;
  if (row.postalCode) address.postalCode = row.postalCode;
  if (row.country) address.country = row.country;
  return {
    id: row.id,
    streamId: row.streamId,
    name: row.name,
    address,
    city: row.city,
    status: row.status,
    version: Number(row.version),
    registeredAt: new Date(row.registeredAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

export const CUSTOMER_PAGE_SIZE = 20;

/** `GET /api/customers` and the `/customers` page: filters, search and the cursor. */
export const customerListParams = z
  .object({
    city: optionalParam(z.string().trim().max(500, "city must be at most 500 characters")),
    status: optionalParam(z.enum(["active", "archived", "all"], { error: "status must be active, archived or all" })).default("all"),
    q: optionalParam(z.string().trim().max(200, "q must be at most 200 characters")),
    limit: optionalParam(intParam("limit", 1, 100)).default(CUSTOMER_PAGE_SIZE),
    cursor: optionalParam(z.string().max(1200, "cursor is not one this API returned")),
  })
  .strict();

export type CustomerListParams = z.output<typeof customerListParams>;

export interface CustomerListPage {
  items: CustomerListItem[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** Pass as `cursor` for the previous page; null on the first page. */
  prevCursor: string | null;
}

/** Keyset cursor over (name, id), with the direction to read in. Opaque to clients. */
type ListCursor = { name: string; id: string; dir: "next" | "prev" };

const cursorShape = z.object({ n: z.string(), i: z.uuid(), d: z.enum(["next", "prev"]) }).strict();

export function encodeListCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify({ n: cursor.name, i: cursor.id, d: cursor.dir })).toString("base64url");
}

/** Decode a list cursor; null when it is not one of ours. */
export function decodeListCursor(text: string): ListCursor | null {
  try {
    const parsed = cursorShape.safeParse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    return parsed.success ? { name: parsed.data.n, id: parsed.data.i, dir: parsed.data.d } : null;
  } catch {
    return null;
  }
}

export class InvalidListCursorError extends Error {
  constructor() {
    super("cursor is not one this API returned");
  }
}

/**
 * The text-search configuration of `customer_search.document`: must be the one the projector
 * builds the document with, or stemmed and unstemmed words stop matching.
 */
export const SEARCH_CONFIG = "simple";

/**
 * A prefix query for full-text search: every word of `q` must start a word of the document, so
 * "ada lov" finds "Ada Lovelace". Only letters and digits reach `to_tsquery`, so user input
 * can never be tsquery syntax.
 */
export function prefixTsQuery(q: string): string | null {
  const words = q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length ? words.slice(0, 10).map((w) => `${w}:*`).join(" & ") : null;
}

/** The list row columns, named as `CustomerListRow` names them. */
const LIST_COLUMNS = `cl.id, cl.stream_id as "streamId", cl.name, cl.street, cl.city, cl.region,
  cl.postal_code as "postalCode", cl.country, cl.status, cl.version,
  cl.registered_at as "registeredAt", cl.updated_at as "updatedAt"`;

type ListRow = CustomerListItemRow & { sortName?: string };

/**
 * A page of the customer list read table, sorted by name (then id, for a total order).
 * Keyset paging both ways: a "next" cursor reads after its row, a "prev" cursor reads before
 * it. `q` searches by part of the name and by word prefix over name and address.
 */
export async function listCustomers(db: Db, params: CustomerListParams): Promise<CustomerListPage> {
  const cursor = params.cursor ? decodeListCursor(params.cursor) : null;
  if (params.cursor && !cursor) throw new InvalidListCursorError();
  const limit = params.limit;
  if (cursor?.dir === "prev") {
    const rows = await runList(db, listStatement(params, cursor, limit + 1));
    // Fewer rows than a page before the cursor: we are at the start, so show the first page.
    if (rows.length <= limit) return listCustomers(db, { ...params, cursor: undefined });
    const page = rows.slice(0, limit).reverse();
    return { items: page.map(toListItem), prevCursor: cursorOf(page[0], "prev"), nextCursor: cursorOf(page[page.length - 1], "next") };
  }
  const rows = await runList(db, listStatement(params, cursor, limit + 1));
  const page = rows.slice(0, limit);
  return {
    items: page.map(toListItem),
    nextCursor: rows.length > limit ? cursorOf(page[page.length - 1], "next") : null,
    prevCursor: cursor && page.length ? cursorOf(page[0], "prev") : null,
  };
}

interface ListStatement {
  text: string;
  values: unknown[];
  /** Reuse a server-side prepared statement (its plan may become generic after a few runs). */
  prepare: boolean;
}

/**
 * The SQL of one page. Without `q` it reads customer_list by (name, id), or (city_key, name, id)
 * / (status, name, id) when filtered. With `q` it reads customer_search, where both the name
 * (trigram index, for ILIKE) and the document (GIN) are, in customer_search's (name, id) order,
 * joined to customer_list for the row: one table holds every search predicate, so PostgreSQL
 * can either walk the name index until a page has matched (common words) or OR the two indexes
 * and sort the few matches (rare words), whichever its estimates favour. Search statements are
 * never prepared: a generic plan cannot see how common the searched text is (migration 0005).
 */
function listStatement(params: CustomerListParams, cursor: ListCursor | null, n: number): ListStatement {
  const values: unknown[] = [];
  const p = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  const where: string[] = [];
  if (params.status !== "all") where.push(`cl.status = ${p(params.status)}`);
  if (params.city) where.push(`cl.city_key = lower(${p(params.city)})`);
  let from = "customer_list cl";
  let key = "cl";
  let columns = LIST_COLUMNS;
  if (params.q) {
    from = "customer_search s join customer_list cl on cl.id = s.id";
    key = "s";
    columns += `, s.name as "sortName"`;
    const tsquery = prefixTsQuery(params.q);
    const byName = `s.name ilike ${p(`%${escapeLike(params.q)}%`)}`;
    where.push(tsquery ? `(${byName} or s.document @@ to_tsquery('${SEARCH_CONFIG}'::regconfig, ${p(tsquery)}))` : byName);
  }
  const backwards = cursor?.dir === "prev";
  if (cursor) where.push(`(${key}.name, ${key}.id) ${backwards ? "<" : ">"} (${p(cursor.name)}, ${p(cursor.id)}::uuid)`);
  const order = backwards ? "desc" : "asc";
  const text =
    `select ${columns} from ${from}` +
    (where.length ? ` where ${where.join(" and ")}` : "") +
    ` order by ${key}.name ${order}, ${key}.id ${order} limit ${Math.trunc(n)}`;
  return { text, values, prepare: !params.q };
}

/** Run a list statement straight on the driver (unprepared with `q`: see ListStatement). */
const runList = (db: Db, { text, values, prepare }: ListStatement) => rawQuery<ListRow>(db, text, values, { prepare });

/** The cursor of a row: its place in the order the page was read in. */
const cursorOf = (row: ListRow, dir: ListCursor["dir"]) => encodeListCursor({ name: row.sortName ?? row.name, id: row.id, dir });

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One row of the customer list read table, or null. */
export async function getCustomerRow(db: Db, id: string): Promise<CustomerListItem | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const [row] = await db.select().from(customerList).where(eq(customerList.id, id.toLowerCase()));
  return row ? toListItem(row) : null;
}

export interface CustomerDetail {
  customer: RegisteredCustomer;
  /** The event that produced the current version. */
  lastEvent: RecordedEvent | null;
}

/**
 * The customer as the write side knows it (snapshot + tail): exact to the version, so an edit
 * form loaded from it carries the right expected version even while projections catch up.
 */
export async function getCustomerDetail(store: EventStore, id: string): Promise<CustomerDetail | null> {
  if (!z.uuid().safeParse(id).success) return null;
  const { state } = await loadCustomer(store, id.toLowerCase());
  if (state.status === "unregistered") return null;
  const [lastEvent] = await store.readStream(customerStreamId(state.id), { fromVersion: state.version, toVersion: state.version });
  return { customer: state, lastEvent: lastEvent ?? null };
}
