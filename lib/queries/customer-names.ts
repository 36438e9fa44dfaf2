import { and, asc, desc, eq, ilike, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { customerList } from "@/db/schema";
import { CUSTOMER_STREAM_TYPE, customerIdOf } from "@/lib/domain/customer/ids";
import { ERASED } from "@/lib/domain/customer/events";

/**
 * Current names of the customers whose streams appear in `streamIds`, by customer id, from the
 * customer_list read table (one query). An erased customer reads "[erased]"; a customer the
 * read table does not have yet is absent, and the page shows the stream id alone.
 */
export async function customerNames(db: Db, streamIds: readonly string[]): Promise<Record<string, string>> {
  const ids = [...new Set(streamIds.map(customerIdOf).filter((id): id is string => id !== null))];
  if (ids.length === 0) return {};
  const rows = await db
    .select({ id: customerList.id, name: customerList.name, erased: customerList.erased })
    .from(customerList)
    .where(inArray(customerList.id, ids));
  return Object.fromEntries(rows.map((row) => [row.id, row.erased ? ERASED : row.name]));
}

/** Most suggestions returned for one prefix. */
export const NAME_SUGGESTION_LIMIT = 8;

/** `GET /api/customers/names`: `q`, at least 2 characters of a customer's name. */
export const nameSuggestionParams = z
  .object({
    q: z.string({ error: "q is required: at least 2 characters of a name" }).trim().min(2, "q needs at least 2 characters").max(200, "q must be at most 200 characters"),
  })
  .strict();

/** `%`, `_` and `\` typed by a person are literal characters, not patterns. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Customers whose name contains `q` (case-insensitive), by name: `{ id, streamId, name }`.
 * Erased customers are never suggested (their name is gone).
 */
export async function suggestCustomerNames(db: Db, q: string, limit = NAME_SUGGESTION_LIMIT) {
  return db
    .select({ id: customerList.id, streamId: customerList.streamId, name: customerList.name })
    .from(customerList)
    .where(and(eq(customerList.erased, false), ilike(customerList.name, `%${likeLiteral(q.trim())}%`)))
    .orderBy(asc(customerList.name), asc(customerList.id))
    .limit(limit);
}

/**
 * The stream a stream filter means: a stream id (`Customer-…`) as given, otherwise the stream of
 * the (not erased) customer with exactly that name, ignoring case; when several share it, the
 * most recently changed. A text that names no customer is returned unchanged (and matches nothing).
 */
export async function resolveStreamFilter(db: Db, stream: string): Promise<string> {
  if (stream.startsWith(`${CUSTOMER_STREAM_TYPE}-`)) return stream;
  const [row] = await db
    .select({ streamId: customerList.streamId })
    .from(customerList)
    .where(and(eq(customerList.erased, false), sql`lower(${customerList.name}) = lower(${stream})`))
    .orderBy(desc(customerList.updatedAt), asc(customerList.id))
    .limit(1);
  return row?.streamId ?? stream;
}
