import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import type { RecordedEvent } from "@/lib/eventstore";
import { CUSTOMER_EVENT_TYPES, groupByCustomer, newAddressOf, warnSkipped } from "./customer-row";
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

async function apply(tx: Db, events: readonly RecordedEvent[], table: TableResolver) {
  const groups = groupByCustomer(events);
  if (!groups.size) return;
  const members = table("city_totals_customers");
  const totals = table("city_totals");
  const current = await query<{ id: string; stream_id: string; city: string; status: string; version: number | string }>(
    tx,
    sql`select id::text as id, stream_id, city, status, version from ${members}
        where id in (select value::uuid from jsonb_array_elements_text(${jsonParam([...groups.keys()])}::text::jsonb))`,
  );
  const known = new Map<string, CityMember>(
    current.map((r) => [
      r.id,
      { id: r.id, streamId: r.stream_id, city: r.city, status: r.status as CityMember["status"], version: Number(r.version) },
    ]),
  );
  // Deltas carry their order in the log (`ord`, by event position) so that the displayed spelling
  // of a city is the one of the latest event that added to it, whatever the batch boundaries were:
  // an incremental run and a rebuild then agree to the letter.
  const deltas: (CityDelta & { ord: number })[] = [];
  const changed: CityMember[] = [];
  for (const [id, group] of groups) {
    const before = known.get(id) ?? null;
    let member = before;
    for (const event of group) {
      const step = evolveCityMember(member, id, event);
      member = step.member;
      for (const d of step.deltas) deltas.push({ ...d, ord: event.position });
    }
    if (member && member !== before) changed.push(member);
  }
  if (changed.length) {
    await tx.execute(sql`
      insert into ${members} as m (id, stream_id, city, status, version)
      select r.id, r.stream_id, r.city, r.status, r.version
      from jsonb_to_recordset(${jsonParam(
        changed.map((m) => ({ id: m.id, stream_id: m.streamId, city: m.city, status: m.status, version: m.version })),
      )}::text::jsonb) as r(id uuid, stream_id text, city text, status text, version bigint)
      on conflict (id) do update set stream_id = excluded.stream_id, city = excluded.city,
        status = excluded.status, version = excluded.version
      where m.version < excluded.version`);
  }
  if (!deltas.length) return;
  const payload = jsonParam(deltas);
  await tx.execute(sql`
    with d as (
      select * from jsonb_to_recordset(${payload}::text::jsonb) as d(ord bigint, city text, active int, archived int)
    ), agg as (
      select lower(city) as city_key, sum(active)::int as active, sum(archived)::int as archived,
             (array_agg(city order by ord desc) filter (where active > 0 or archived > 0))[1] as city
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
export const cityTotalsProjection: Projection = {
  name: "city_totals",
  tables: ["city_totals", "city_totals_customers"],
  canHandle: CUSTOMER_EVENT_TYPES,
  apply,
};
