import { onPostgres, rawQuery, type Db } from "@/db/client";
import { decodeCursor, encodeCursor, START, type GlobalCursor } from "../cursor";
import { InvalidCursorError } from "../errors";
import type { RecordedEvent } from "../types";
import { belowHorizon, readHorizon } from "./horizon";
import { EVENT_COLUMNS, EVENT_COLUMNS_TRACE_ONLY, toRecorded, toRecordedTraceOnly, type EventRow } from "./rows";

export interface ReadAllOptions {
  /** A cursor from an earlier page (opaque text or decoded); absent: from the start. */
  after?: GlobalCursor | string | null;
  /** At most this many events (1…10,000; default 100). */
  limit?: number;
  /** Only events of these types. */
  types?: readonly string[];
  /**
   * `"traceparent"`: each event's `metadata` holds its `traceparent` alone, when it has one (and
   * is an empty object otherwise), for followers that read nothing else of it: the projection
   * runner, unless a projection says it reads metadata. Default `"all"`.
   */
  metadata?: "all" | "traceparent";
}

/**
 * Page through the global log in an order that is safe for followers. Needs no registry:
 * reading validates nothing.
 *
 * Positions come from a sequence, so a transaction can commit *after* another one that drew
 * a higher position; a follower reading `position > after` would then skip it forever. We
 * order by (transaction id, position) and return only events of transactions below a horizon
 * that no appending transaction still running is under: nothing can later appear below the
 * returned cursor. On PostgreSQL the horizon is held only by appends in flight (horizon.ts, one
 * extra statement); on PGlite, one connection, by the oldest open transaction
 * (`pg_snapshot_xmin`), which there can only be the app's own. Cost: a follower lags behind the
 * longest-running append; the (transaction_id, position) index serves the scan.
 */
export async function readAll(db: Db, options: ReadAllOptions = {}): Promise<{ events: RecordedEvent[]; cursor: string }> {
  const after = resolveCursor(options.after);
  const limit = Math.max(1, Math.min(options.limit ?? 100, 10_000));
  // Raw rows, not Drizzle's select: followers read the whole log through here, and Drizzle's
  // per-column mapping cost half the throughput of a catch-up (bench catch-up).
  const types = options.types?.length ? JSON.stringify(options.types) : null;
  const params: unknown[] = [after.transactionId, after.position, limit, types ?? ""];
  const postgres = onPostgres(db);
  if (postgres) {
    const horizon = await readHorizon(db);
    params.push(horizon.next, horizon.holders);
  }
  const lean = options.metadata === "traceparent";
  const statement = STATEMENTS[`${postgres ? "pg" : "pglite"}${types ? "+types" : ""}${lean ? "+lean" : ""}`];
  const rows = await rawQuery<EventRow & { traceparent?: string | null }>(db, statement, params);
  const recorded = new Array<RecordedEvent>(rows.length);
  for (let i = 0; i < rows.length; i++) recorded[i] = lean ? toRecordedTraceOnly(rows[i]) : toRecorded(rows[i]);
  const last = recorded[recorded.length - 1];
  return { events: recorded, cursor: last ? cursorOf(last) : encodeCursor(after) };
}

/** The follower cursor just after an event. */
export function cursorOf(event: Pick<RecordedEvent, "transactionId" | "position">): string {
  return encodeCursor({ transactionId: event.transactionId, position: event.position });
}

function resolveCursor(after: GlobalCursor | string | null | undefined): GlobalCursor {
  if (after === undefined || after === null || after === "") return START;
  if (typeof after !== "string") return after;
  const decoded = decodeCursor(after);
  if (!decoded) throw new InvalidCursorError(after);
  return decoded;
}

/**
 * readAll's statements (see there): events after the cursor ($1 transaction id as text, $2
 * position) in (transaction id, position) order, below the horizon, at most $3, of the types in
 * $4 (a JSON array; "" for all); on PostgreSQL $5 and $6 are the horizon's (horizon.ts). Columns
 * named as Drizzle's EventRow, for toRecorded.
 */
const selectBelow = (horizon: string, ofTypes: boolean, lean: boolean) => `
  select ${lean ? EVENT_COLUMNS_TRACE_ONLY : EVENT_COLUMNS}
  from events
  where (transaction_id, position) > ($1::text::xid8, $2::bigint)
    and ${horizon}
    and ${ofTypes ? "type in (select jsonb_array_elements_text($4::text::jsonb))" : "$4::text = ''"}
  order by transaction_id, position limit $3::int`;
const PGLITE_HORIZON = "transaction_id < pg_snapshot_xmin(pg_current_snapshot())";
const PG_HORIZON = belowHorizon("$5", "$6");
const STATEMENTS: Record<string, string> = {};
for (const [kind, horizon] of [["pglite", PGLITE_HORIZON], ["pg", PG_HORIZON]] as const) {
  for (const ofTypes of [false, true]) {
    for (const lean of [false, true]) STATEMENTS[`${kind}${ofTypes ? "+types" : ""}${lean ? "+lean" : ""}`] = selectBelow(horizon, ofTypes, lean);
  }
}
