import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import { compareCursors, type GlobalCursor, type RecordedEvent } from "@/lib/eventstore";
import { CUSTOMER_EVENT_TYPES } from "./customer-row";
import { jsonParam, type Projection, type TableResolver } from "./types";

/**
 * activity_by_day: how many events of each type the log recorded on each UTC day (the dashboard's
 * activity chart), so that the chart reads a few dozen rows instead of scanning the log.
 *
 * A day is the UTC date of the event's timestamp as the store gives it (millisecond precision).
 *
 * Idempotent: each (day, type) row keeps `last_position`, the last event it counted, and counts
 * only events after that one in the follower order (transaction id, position). That order is the
 * order the runner delivers a checkpoint's events in, so a duplicate or stale delivery counts
 * nothing. It would not hold for events delivered later, out of order: a parked event retried,
 * or the events queued behind it. Hence `failurePolicy: halt`: this projection never parks (a
 * count cannot fail because of what an event says; only the database can fail, and the batch is
 * retried). The guard keeps the event's position, not its transaction id (looked up in `events`
 * when compared), so the table is equal on every copy of the log (db:export-to-postgres gives the
 * copied events new transaction ids).
 */

/** One (day, type) row's change from a batch: `events` more, the last of them at `lastPosition`. */
export interface ActivityCount {
  day: string;
  type: string;
  events: number;
  lastPosition: number;
}

/** The last event a stored row counted, as a follower cursor. */
export type ActivityGuards = ReadonlyMap<string, GlobalCursor>;

export const activityKey = (day: string, type: string) => `${day}|${type}`;

/** The UTC day (`YYYY-MM-DD`) of an event's timestamp. */
export const utcDayOf = (timestamp: string) => new Date(timestamp).toISOString().slice(0, 10);

/**
 * Pure: the counts a batch adds, per (day, type), leaving out every event at or before its row's
 * guard. `events` in follower order.
 */
export function countActivity(events: readonly RecordedEvent[], guards: ActivityGuards): ActivityCount[] {
  const counts = new Map<string, ActivityCount>();
  for (const event of events) {
    const day = utcDayOf(event.timestamp);
    const key = activityKey(day, event.type);
    const guard = guards.get(key);
    if (guard && compareCursors({ transactionId: event.transactionId, position: event.position }, guard) <= 0) continue;
    const count = counts.get(key);
    if (count) {
      count.events++;
      count.lastPosition = event.position;
    } else counts.set(key, { day, type: event.type, events: 1, lastPosition: event.position });
  }
  return [...counts.values()];
}

/** The guards of the rows a batch touches. */
async function readGuards(tx: Db, table: TableResolver, keys: readonly { day: string; type: string }[]): Promise<ActivityGuards> {
  const rows = await query<{ day: string; type: string; transaction_id: string; position: number | string }>(
    tx,
    sql`select t.day::text as day, t.type, e.transaction_id::text as transaction_id, e.position
        from ${table("activity_by_day")} t
        join json_to_recordset(${jsonParam(keys)}::text::json) as k(day date, type text) on t.day = k.day and t.type = k.type
        join events e on e.position = t.last_position`,
  );
  return new Map(rows.map((r) => [activityKey(r.day, r.type), { transactionId: r.transaction_id, position: Number(r.position) }]));
}

async function addCounts(tx: Db, table: TableResolver, counts: readonly ActivityCount[]) {
  if (!counts.length) return;
  await tx.execute(sql`
    insert into ${table("activity_by_day")} as t (day, type, events, last_position)
    select r.day, r.type, r.events, r."lastPosition"
    from json_to_recordset(${jsonParam(counts)}::text::json) as r(day date, type text, events bigint, "lastPosition" bigint)
    on conflict (day, type) do update set events = t.events + excluded.events, last_position = excluded.last_position`);
}

/** Events per UTC day and type. */
export const activityByDayProjection: Projection = {
  name: "activity_by_day",
  tables: ["activity_by_day"],
  canHandle: CUSTOMER_EVENT_TYPES,
  failurePolicy: { mode: "halt" },
  async handle(tx, events, table) {
    if (!events.length) return;
    const keys = new Map<string, { day: string; type: string }>();
    for (const event of events) {
      const day = utcDayOf(event.timestamp);
      keys.set(activityKey(day, event.type), { day, type: event.type });
    }
    await addCounts(tx, table, countActivity(events, await readGuards(tx, table, [...keys.values()])));
  },
};
