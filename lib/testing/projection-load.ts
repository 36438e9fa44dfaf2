import type { Database } from "@/db/client";
import { archiveCustomer, changeCustomerAddress, editCustomer, registerCustomer, renameCustomer } from "@/lib/commands/customer";
import { customerIdOf, type CustomerEventEnvelope } from "@/lib/domain/customer/events";
import { evolve, initialState, type CustomerState } from "@/lib/domain/customer/state";
import type { EventStore } from "@/lib/eventstore";
import { projections } from "@/lib/projections";
import { requestRebuild } from "@/lib/projections/runner";
import { prng } from "./prng";
import { allReadTables, project, quietLog } from "./projections";

/**
 * A concurrent write load through the command handlers, and the oracles the projection tests
 * compare against: a from-scratch replay and the customers' states folded by the domain.
 */

const CITIES = ["Boston", "Cambridge", "Somerville", "Oslo", "Bergen", "Tromso", "Lyon", "Porto"];

export interface LoadOptions {
  writers: number;
  opsPerWriter: number;
  seed: number;
  /** Stop early when this returns true (checked between operations). */
  stop?: () => boolean;
}

/**
 * `writers` concurrent loops of registrations, renames, moves, edits and archives over shared
 * customers (so that appends conflict and retry). Returns the number of commands that appended.
 */
export async function writeLoad(store: EventStore, options: LoadOptions): Promise<{ appended: number; ids: string[] }> {
  const ids: string[] = [];
  let appended = 0;
  const writer = async (w: number) => {
    const random = prng(options.seed * 1000 + w);
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    const ctx = { store, actor: `load-${w}` };
    for (let i = 0; i < options.opsPerWriter && !options.stop?.(); i++) {
      const roll = random();
      let result: { ok: boolean; position?: number | null };
      if (ids.length < 5 || roll < 0.3) {
        const r = await registerCustomer(
          { name: `Load ${options.seed}-${w}-${i}`, address: { street: `${i} Load St`, city: pick(CITIES) } },
          ctx,
        );
        if (r.ok) ids.push(r.id);
        result = r;
      } else {
        const id = pick(ids);
        if (roll < 0.5) result = await renameCustomer(id, { name: `Renamed ${w}-${i}` }, ctx);
        else if (roll < 0.75)
          result = await changeCustomerAddress(id, { address: { street: `${i} Moved Rd`, city: pick(CITIES) } }, ctx);
        else if (roll < 0.88)
          result = await editCustomer(id, { name: `Edited ${w}-${i}`, address: { street: `${i} Edit Ave`, city: pick(CITIES) } }, ctx);
        else result = await archiveCustomer(id, { reason: "load" }, ctx);
      }
      if (result.ok && result.position) appended++;
    }
  };
  await Promise.all(Array.from({ length: options.writers }, (_, w) => writer(w)));
  return { appended, ids };
}

/**
 * Rebuild every projection from the start of the log in this process (no other runner may be
 * active) and return the tables before and after: after = a from-scratch replay.
 */
export async function replayFromScratch(database: Database) {
  const live = await allReadTables(database.db);
  for (const projection of projections) await requestRebuild(database.db, projection);
  await project(database, { batchSize: 1000, log: quietLog });
  const replayed = await allReadTables(database.db);
  return { live, replayed };
}

/**
 * The customers as the domain folds them from the log (the domain's `evolve`, independent of any
 * projection code), in customer_list's shape and order, and the city totals they imply.
 */
export async function foldedCustomers(store: EventStore) {
  const states = new Map<string, CustomerState>();
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ after, limit: 5000 });
    for (const event of page.events) {
      if (!customerIdOf(event.streamId)) continue;
      const state = states.get(event.streamId) ?? initialState();
      states.set(event.streamId, evolve(state, event as unknown as CustomerEventEnvelope));
    }
    if (page.events.length < 5000) break;
    after = page.cursor;
  }
  const customers: { id: string; name: string; city: string; status: string; version: number }[] = [];
  for (const [streamId, state] of states) {
    if (state.status === "unregistered") continue;
    customers.push({ id: customerIdOf(streamId)!, name: state.name, city: state.address.city, status: state.status, version: state.version });
  }
  customers.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const totals = new Map<string, { city_key: string; active: number; archived: number }>();
  for (const c of customers) {
    const key = c.city.toLowerCase();
    const t = totals.get(key) ?? { city_key: key, active: 0, archived: 0 };
    if (c.status === "active") t.active++;
    else t.archived++;
    totals.set(key, t);
  }
  return {
    customers,
    cityTotals: [...totals.values()].sort((a, b) => (a.city_key < b.city_key ? -1 : 1)),
  };
}
