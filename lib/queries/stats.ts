import { asc, sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import { cityTotals } from "@/db/schema";

export interface CityStat {
  city: string;
  active: number;
  archived: number;
}

/**
 * Per-city totals from the read table, busiest first, cities with no customers left out. With
 * `asOf`, counted over the versions current then (customer_history); a city is spelled as the
 * customer who most recently came to it, or changed, spells it.
 */
export async function cityStats(db: Db, asOf?: string): Promise<CityStat[]> {
  if (asOf) {
    const rows = await query<{ city: string; active: number | string; archived: number | string }>(
      db,
      sql`select (array_agg(city order by lower(valid) desc, id))[1] as city,
                 count(*) filter (where status = 'active') as active,
                 count(*) filter (where status = 'archived') as archived
          from customer_history where valid @> ${asOf}::timestamptz
          group by city_key order by count(*) desc, city_key`,
    );
    return rows.map((row) => ({ city: row.city, active: Number(row.active), archived: Number(row.archived) }));
  }
  const rows = await db
    .select({ city: cityTotals.city, active: cityTotals.active, archived: cityTotals.archived })
    .from(cityTotals)
    .where(sql`${cityTotals.active} + ${cityTotals.archived} > 0`)
    .orderBy(sql`${cityTotals.active} + ${cityTotals.archived} desc`, asc(cityTotals.cityKey));
  return rows.map((row) => ({ city: row.city, active: Number(row.active), archived: Number(row.archived) }));
}

export interface Totals {
  active: number;
  archived: number;
  events: number;
  headPosition: number;
}

/**
 * Dashboard totals: customers from the list read table, events from the log. With `asOf`, as they
 * were then: customers from customer_history, events stamped at or before it (to the millisecond).
 */
export async function totals(db: Db, asOf?: string): Promise<Totals> {
  const [customers] = await query<{ active: number | string; archived: number | string }>(
    db,
    asOf
      ? sql`select count(*) filter (where status = 'active') as active,
                   count(*) filter (where status = 'archived') as archived
            from customer_history where valid @> ${asOf}::timestamptz`
      : sql`select count(*) filter (where status = 'active') as active,
                   count(*) filter (where status = 'archived') as archived
            from customer_list`,
  );
  const [log] = await query<{ events: number | string; head: number | string | null }>(
    db,
    asOf
      ? sql`select count(*) as events, max(position) as head from events
            where created_at < ${asOf}::timestamptz + interval '1 millisecond'`
      : sql`select count(*) as events, max(position) as head from events`,
  );
  return {
    active: Number(customers?.active ?? 0),
    archived: Number(customers?.archived ?? 0),
    events: Number(log?.events ?? 0),
    headPosition: Number(log?.head ?? 0),
  };
}
