import { asc, sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import { cityTotals } from "@/db/schema";

export interface CityStat {
  city: string;
  active: number;
  archived: number;
}

/** Per-city totals from the read table, busiest first, cities with no customers left out. */
export async function cityStats(db: Db): Promise<CityStat[]> {
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

/** Dashboard totals: customers from the list read table, events from the log. */
export async function totals(db: Db): Promise<Totals> {
  const [customers] = await query<{ active: number | string; archived: number | string }>(
    db,
    sql`select count(*) filter (where status = 'active') as active,
               count(*) filter (where status = 'archived') as archived
        from customer_list`,
  );
  const [log] = await query<{ events: number | string; head: number | string | null }>(
    db,
    sql`select count(*) as events, max(position) as head from events`,
  );
  return {
    active: Number(customers?.active ?? 0),
    archived: Number(customers?.archived ?? 0),
    events: Number(log?.events ?? 0),
    headPosition: Number(log?.head ?? 0),
  };
}
