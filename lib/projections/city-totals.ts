import { sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import type { RecordedEvent } from "@/lib/eventstore";
import { CUSTOMER_EVENT_TYPES, groupByCustomer, newAddressOf, warnSkipped } from "./customer-row";
import { keyedRowProjection } from "./keyed";
import type { KeyedFold, RowTable } from "./rows";
import { jsonParam, type Projection, type TableResolver } from "./types";

/** Where the projection last saw a customer: which city's counts it is in, and as what. */
export interface CityMember {
  id: string;
  streamId: string;
  city: string;
  status: "active" | "archived";
  version: number;
}

/** A change to one city's counts. Cities are keyed by lower(city) in SQL, not here. */
export interface CityDelta {
  city: string;
  active: number;
  archived: number;
}

/**
 * The member after `event`, and the count changes it causes. Pure. A duplicate (version not
 * above the member's) changes nothing. A move takes the customer out of the old city and into
 * the new one, in its current status; an archive moves it from active to archived.
 */
export function evolveCityMember(
  member: CityMember | null,
  id: string,
  event: RecordedEvent,
): { member: CityMember | null; deltas: CityDelta[] } {
  if (member && event.version <= member.version) return { member, deltas: [] };
  if (event.type === "CustomerRegistered") {
    const address = newAddressOf(event);
    if (member || !address) {
      warnSkipped(event, member ? "customer already registered" : "registration without an address");
      return { member, deltas: [] };
    }
    return {
      member: { id, streamId: event.streamId, city: address.city, status: "active", version: event.version },
      deltas: [{ city: address.city, active: 1, archived: 0 }],
    };
  }
  if (!member) {
    warnSkipped(event, "no registration seen for this customer");
    return { member, deltas: [] };
  }
  const next: CityMember = { ...member, version: event.version };
  const one = (status: CityMember["status"], sign: 1 | -1) =>
    status === "active" ? { active: sign, archived: 0 } : { active: 0, archived: sign };
  switch (event.type) {
    case "CustomerAddressUpdated": {
      const address = newAddressOf(event);
      if (!address) {
        warnSkipped(event, "address update without an address");
        return { member: next, deltas: [] };
      }
      if (address.city === member.city) return { member: next, deltas: [] };
      next.city = address.city;
      return {
        member: next,
        deltas: [
          { city: member.city, ...one(member.status, -1) },
          { city: address.city, ...one(member.status, 1) },
        ],
      };
    }
    case "CustomerArchived":
      if (member.status === "archived") return { member: next, deltas: [] };
      next.status = "archived";
      return { member: next, deltas: [{ city: member.city, active: -1, archived: 1 }] };
    default:
      return { member: next, deltas: [] };
  }
}

/** Where each customer is counted: the member rows the deltas are computed against. */
const membersTable: RowTable<CityMember> = {
  table: "city_totals_customers",
  key: "id",
  fields: { id: "uuid", stream_id: "text", city: "text", status: "text", version: "bigint" },
  properties: { stream_id: "streamId" },
  guard: "t.version < r.version",
};

/**
 * Members from the batch's events of each customer, and the count changes they cause. Deltas carry
 * their order in the log (`ord`, by event position) so that the displayed spelling of a city is
 * the one of the latest event that added to it, whatever the batch boundaries were: an incremental
 * run and a rebuild then agree to the letter.
 */
const membersFold: KeyedFold<CityMember, CityDelta & { ord: number }> = {
  select: "id::text as id, stream_id, city, status, version",
  fromStored: (r) => ({
    id: String(r.id),
    streamId: String(r.stream_id),
    city: String(r.city),
    status: r.status as CityMember["status"],
    version: Number(r.version),
  }),
  fold(id, before, events) {
    let member = before;
    const extras: (CityDelta & { ord: number })[] = [];
    for (const event of events) {
      const step = evolveCityMember(member, id, event);
      member = step.member;
      for (const d of step.deltas) extras.push({ ...d, ord: event.position });
    }
    return { row: member, extras };
  },
};

/** Adds the members' count changes to city_totals (after the member rows, same transaction). */
async function writeCityDeltas(tx: Db, table: TableResolver, deltas: readonly (CityDelta & { ord: number })[]) {
  const totals = table("city_totals");
  // Summed per spelling here (a batch of thousands of events touches a handful of cities), per
  // city (lower(city), as PostgreSQL lowers it) in SQL. `ord`: the latest delta that added a
  // customer under this spelling (null if none did).
  const bySpelling = new Map<string, { city: string; active: number; archived: number; ord: number | null }>();
  for (const d of deltas) {
    const sum = bySpelling.get(d.city) ?? { city: d.city, active: 0, archived: 0, ord: null };
    sum.active += d.active;
    sum.archived += d.archived;
    if ((d.active > 0 || d.archived > 0) && (sum.ord === null || d.ord > sum.ord)) sum.ord = d.ord;
    bySpelling.set(d.city, sum);
  }
  const payload = jsonParam([...bySpelling.values()]);
  await tx.execute(sql`
    with d as (
      select * from jsonb_to_recordset(${payload}::text::jsonb) as d(ord bigint, city text, active int, archived int)
    ), agg as (
      select lower(city) as city_key, sum(active)::int as active, sum(archived)::int as archived,
             (array_agg(city order by ord desc) filter (where ord is not null))[1] as city
      from d group by lower(city)
    )
    insert into ${totals} as t (city_key, city, active, archived)
    select city_key, coalesce(city, ''), active, archived from agg
    on conflict (city_key) do update set
      active = t.active + excluded.active,
      archived = t.archived + excluded.archived,
      city = case when excluded.city <> '' then excluded.city else t.city end`);
  // A city nobody lives in any more disappears from the totals.
  await tx.execute(sql`
    delete from ${totals} where active = 0 and archived = 0
      and city_key in (select lower(value->>'city') from jsonb_array_elements(${payload}::text::jsonb))`);
}

/** Active and archived customers per city (city_key = lower(city)). */
export const cityTotalsProjection: Projection = keyedRowProjection({
  name: "city_totals",
  tables: ["city_totals", "city_totals_customers"],
  canHandle: CUSTOMER_EVENT_TYPES,
  key: groupByCustomer,
  rows: membersTable,
  fold: membersFold,
  writeExtras: writeCityDeltas,
});
