import { z } from "zod";
import { rawQuery, type Db } from "@/db/client";
import type { CustomerListRow } from "@/db/schema";
import type { Address } from "@/lib/domain/customer/schema";
import { asOfParam } from "./as-of";
import { intParam, optionalParam } from "./params";
import { LedgerError } from "@/lib/errors";

/** A list item: the read-table row as the API shows it (SPEC §4). */
export interface CustomerListItem {
  id: string;
  streamId: string;
  name: string;
  address: Address;
  city: string;
  email: string | null;
  phone: string | null;
  /** Personal data erased: name, street, postal code, email and phone read "[erased]". */
  erased: boolean;
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
    email: row.email ?? null,
    phone: row.phone ?? null,
    erased: Boolean(row.erased),
    status: row.status,
    version: Number(row.version),
    registeredAt: new Date(row.registeredAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

export const CUSTOMER_PAGE_SIZE = 20;

/** Shortest search text accepted. */
export const MIN_SEARCH_LENGTH = 2;

/** Sort orders of the list: a column, `-` first for descending; ties by name, then id. */
export const LIST_SORTS = ["name", "-name", "city", "-city", "status", "-status", "updated", "-updated"] as const;
export type ListSort = (typeof LIST_SORTS)[number];

/** `GET /api/customers` and the `/customers` page: filters, search and the cursor. */
export const customerListParams = z
  .object({
    city: optionalParam(z.string().trim().max(500, "city must be at most 500 characters")),
    status: optionalParam(z.enum(["active", "archived", "all"], { error: "status must be active, archived or all" })).default("all"),
    // One character matches most of the register and cannot use the trigram index.
    q: optionalParam(z.string().trim().min(MIN_SEARCH_LENGTH, `q needs at least ${MIN_SEARCH_LENGTH} characters`).max(200, "q must be at most 200 characters")),
    limit: optionalParam(intParam("limit", 1, 100)).default(CUSTOMER_PAGE_SIZE),
    cursor: optionalParam(z.string().max(1200, "cursor is not one this API returned")),
    /** The register as it was at this moment (customer_history), not as it is now. */
    asOf: asOfParam,
    sort: optionalParam(z.enum(LIST_SORTS, { error: "sort must be name, city, status or updated, with a leading - for descending" })).default("name"),
  })
  .strict();

export type CustomerListParams = z.output<typeof customerListParams>;

export interface CustomerListPage {
  items: CustomerListItem[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** Pass as `cursor` for the previous page; null on the first page. */
  prevCursor: string | null;
  /**
   * How many customers match the filters (all pages), counted up to COUNT_CAP; `totalCapped`:
   * more than that. A search that spans pages is not counted: `total` is the page size, capped.
   */
  total: number;
  totalCapped: boolean;
}

/** Counting the matches stops here, so that a count costs at most this many index entries. */
export const COUNT_CAP = 1000;

/** Keyset cursor: the sort's key values and id of a row, the sort, and the direction to read in. Opaque to clients. */
type ListCursor = { values: string[]; id: string; dir: "next" | "prev"; sort: ListSort };

const cursorShape = z.union([
  z.object({ v: z.array(z.string()).min(1).max(2), i: z.uuid(), d: z.enum(["next", "prev"]), s: z.enum(LIST_SORTS) }).strict(),
  // Cursors from before sorting: by name.
  z.object({ n: z.string(), i: z.uuid(), d: z.enum(["next", "prev"]) }).strict(),
]);

export function encodeListCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify({ v: cursor.values, i: cursor.id, d: cursor.dir, s: cursor.sort })).toString("base64url");
}

/** Decode a list cursor; null when it is not one of ours. */
export function decodeListCursor(text: string): ListCursor | null {
  try {
    const parsed = cursorShape.safeParse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
    if (!parsed.success) return null;
    const c = parsed.data;
    return "n" in c ? { values: [c.n], id: c.i, dir: c.d, sort: "name" } : { values: c.v, id: c.i, dir: c.d, sort: c.s };
  } catch {
    return null;
  }
}

type SortKey = { column: string; cast: string; value: (row: ListRow) => string };
const byName: SortKey = { column: "name", cast: "text", value: (r) => r.name };
/** The key columns of each sort (then id), served by the list's indexes (name, city_key+name, status+name, updated_at). */
const SORT_KEYS: Record<string, SortKey[]> = {
  name: [{ column: "name", cast: "text", value: (r) => r.sortName ?? r.name }],
  city: [{ column: "city_key", cast: "text", value: (r) => String(r.sortCity) }, byName],
  status: [{ column: "status", cast: "text", value: (r) => r.status }, byName],
  updated: [{ column: "updated_at", cast: "timestamptz", value: (r) => new Date(r.updatedAt).toISOString() }],
};
const keysOf = (sort: ListSort) => SORT_KEYS[sort.replace(/^-/, "")];

/** A list cursor this API did not return. Maps to HTTP 400 `validation_failed` on `cursor`. */
export class InvalidListCursorError extends LedgerError {
  static override readonly code = "invalid_list_cursor";
  static override readonly errorName = "InvalidListCursorError";
  declare readonly code: "invalid_list_cursor";
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
  cl.postal_code as "postalCode", cl.country, cl.email, cl.phone, cl.erased, cl.status, cl.version,
  cl.registered_at as "registeredAt", cl.updated_at as "updatedAt"`;

type ListRow = CustomerListItemRow & { sortName?: string; sortCity?: string };

/**
 * A page of the customer list read table, sorted by name (then id, for a total order).
 * Keyset paging both ways: a "next" cursor reads after its row, a "prev" cursor reads before
 * it. `q` searches by part of the name and by word prefix over name and address.
 */
export async function listCustomers(db: Db, params: CustomerListParams): Promise<CustomerListPage> {
  const cursor = params.cursor ? decodeListCursor(params.cursor) : null;
  if (params.cursor && (!cursor || cursor.sort !== params.sort)) throw new InvalidListCursorError();
  const page = await listPage(db, params, cursor);
  if (!params.q) return { ...page, ...(await countMatches(db, params)) };
  // A search is not counted: its matches are found by walking the name index until a page is
  // full, and counting would walk on (10x the page's cost at 100,000 customers). More than one
  // page means more than a page's worth of matches, which is what it says.
  const onePage = !page.nextCursor && !page.prevCursor;
  return { ...page, total: onePage ? page.items.length : params.limit, totalCapped: !onePage };
}

/** The matches of the filters, as the first COUNT_CAP + 1 rows of the list's own statement, counted. */
async function countMatches(db: Db, params: CustomerListParams): Promise<{ total: number; totalCapped: boolean }> {
  const statement = listStatement(params, null, COUNT_CAP + 1);
  const [row] = await rawQuery<{ n: number | string }>(db, `select count(*)::int as n from (${statement.text}) matches`, statement.values, { prepare: statement.prepare });
  const n = Number(row?.n ?? 0);
  return { total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP };
}

async function listPage(db: Db, params: CustomerListParams, cursor: ListCursor | null): Promise<Omit<CustomerListPage, "total" | "totalCapped">> {
  const limit = params.limit;
  if (cursor?.dir === "prev") {
    const rows = await runList(db, listStatement(params, cursor, limit + 1));
    // Fewer rows than a page before the cursor: we are at the start, so show the first page.
    if (rows.length <= limit) return listPage(db, params, null);
    const page = rows.slice(0, limit).reverse();
    return { items: page.map(toListItem), prevCursor: cursorOf(page[0], "prev", params.sort), nextCursor: cursorOf(page[page.length - 1], "next", params.sort) };
  }
  const rows = await runList(db, listStatement(params, cursor, limit + 1));
  const page = rows.slice(0, limit);
  return {
    items: page.map(toListItem),
    nextCursor: rows.length > limit ? cursorOf(page[page.length - 1], "next", params.sort) : null,
    prevCursor: cursor && page.length ? cursorOf(page[0], "prev", params.sort) : null,
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
  let columns = `${LIST_COLUMNS}, cl.city_key as "sortCity"`;
  if (params.asOf) {
    // The past: the versions current at asOf (GiST on valid), with their own search columns.
    from = "customer_history cl";
    where.push(`cl.valid @> ${p(params.asOf)}::timestamptz`);
    if (params.q) where.push(searchPredicate(params.q, "cl", p));
  } else if (params.q) {
    from = "customer_search s join customer_list cl on cl.id = s.id";
    // By name: in customer_search's (name, id) order (see above); other sorts: customer_list's columns.
    if (params.sort === "name" || params.sort === "-name") key = "s";
    columns += `, s.name as "sortName"`;
    where.push(searchPredicate(params.q, "s", p));
  }
  const keys = keysOf(params.sort);
  // Read descending when the sort is descending, or when paging back (both: ascending again).
  const descending = params.sort.startsWith("-") !== (cursor?.dir === "prev");
  if (cursor) {
    const left = [...keys.map((k) => `${key}.${k.column}`), `${key}.id`].join(", ");
    const right = [...keys.map((k, i) => `${p(cursor.values[i] ?? "")}::${k.cast}`), `${p(cursor.id)}::uuid`].join(", ");
    where.push(`(${left}) ${descending ? "<" : ">"} (${right})`);
  }
  const order = descending ? "desc" : "asc";
  const text =
    `select ${columns} from ${from}` +
    (where.length ? ` where ${where.join(" and ")}` : "") +
    ` order by ${[...keys.map((k) => `${key}.${k.column} ${order}`), `${key}.id ${order}`].join(", ")} limit ${Math.trunc(n)}`;
  return { text, values, prepare: !params.q };
}

/** Name, email or phone as typed (a substring), or every word as a prefix of the document. */
function searchPredicate(q: string, alias: string, p: (value: unknown) => string): string {
  const tsquery = prefixTsQuery(q);
  const like = p(`%${escapeLike(q)}%`);
  const byName = `(${alias}.name ilike ${like} or ${alias}.contact ilike ${like})`;
  return tsquery ? `(${byName} or ${alias}.document @@ to_tsquery('${SEARCH_CONFIG}'::regconfig, ${p(tsquery)}))` : byName;
}

/** Run a list statement straight on the driver (unprepared with `q`: see ListStatement). */
const runList = (db: Db, { text, values, prepare }: ListStatement) => rawQuery<ListRow>(db, text, values, { prepare });

/** The cursor of a row: its place in the order the page was read in. */
const cursorOf = (row: ListRow, dir: ListCursor["dir"], sort: ListSort) =>
  encodeListCursor({ values: keysOf(sort).map((k) => k.value(row)), id: row.id, dir, sort });

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);
