import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";

/** One UTC day of the log: how many events of each type were recorded that day. */
export interface ActivityDay {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  /** The last millisecond of the day (ISO): the register "as of the end of that day". */
  endOfDay: string;
  total: number;
  byType: Record<string, number>;
}

export interface Activity {
  /** Oldest first, every day of the window (days without events have total 0). */
  days: ActivityDay[];
  /** Every type seen in the window, busiest first. */
  types: string[];
}

const DAY_MS = 24 * 60 * 60 * 1000;
const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Events per UTC day and type over the last `days` days up to `now` (today included), from the
 * activity_by_day read table (lib/projections/activity-by-day.ts): a range of its primary key,
 * a few rows per day, however long the log. Like every read table it follows the log, so events
 * appended a moment ago may not be counted yet. The window starts at the first midnight it covers.
 */
export async function activityByDay(db: Db, options: { days?: number; now?: Date } = {}): Promise<Activity> {
  const count = options.days ?? 30;
  const now = options.now ?? new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const since = new Date(today - (count - 1) * DAY_MS);
  const rows = await query<{ iso_day: string; type: string; events: number | string }>(
    db,
    sql`select day::text as iso_day, type, events from activity_by_day
        where day >= ${isoDay(since)}::date and day <= ${isoDay(new Date(today))}::date
        order by day, type`,
  );
  const days: ActivityDay[] = [];
  const byDay = new Map<string, ActivityDay>();
  for (let i = 0; i < count; i++) {
    const start = since.getTime() + i * DAY_MS;
    const day: ActivityDay = {
      day: isoDay(new Date(start)),
      endOfDay: new Date(start + DAY_MS - 1).toISOString(),
      total: 0,
      byType: {},
    };
    days.push(day);
    byDay.set(day.day, day);
  }
  const typeTotals = new Map<string, number>();
  for (const row of rows) {
    const day = byDay.get(row.iso_day);
    if (!day) continue;
    const n = Number(row.events);
    day.byType[row.type] = n;
    day.total += n;
    typeTotals.set(row.type, (typeTotals.get(row.type) ?? 0) + n);
  }
  const types = [...typeTotals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([type]) => type);
  return { days, types };
}
