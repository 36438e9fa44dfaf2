import type { CustomerEvent } from "@/lib/domain/customer/events";
import type { RecordedEvent } from "@/lib/eventstore";
import { sameAddress, type Address } from "@/lib/domain/customer/schema";
import { at } from "@/lib/testing/clock";
import { prng } from "@/lib/testing/prng";

const STREAM = "Customer-01900000-0000-7000-8000-0000000000d1";

/** Recorded events with versions 1…n, one minute apart, from domain builders. */
export function history(...events: CustomerEvent[]): RecordedEvent[] {
  return events.map((event, index) => ({
    id: `01900000-0000-7000-8000-${String(index + 1).padStart(12, "0")}`,
    streamId: STREAM,
    type: event.type,
    version: index + 1,
    position: index + 1,
    schemaVersion: 1,
    data: event.data,
    metadata: { commandId: `cmd-${index + 1}`, correlationId: `cmd-${index + 1}`, causationId: null, actor: `user-${index + 1}` },
    timestamp: at(index),
    transactionId: String(index + 100),
  }));
}


const NAMES = ["Ada Lovelace", "Ada King", "Grace Hopper", "Grace Murray", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov"];
const STREETS = ["1 Analytical Row", "12 Karl Johans gate", "9 Harbour Rd", "77 Elm St", "Drottninggatan 5"];
const CITIES = ["London", "Oslo", "Bergen", "Boston", "Stockholm", "Cambridge"];
const REGIONS = [undefined, "MA", "Greater London", "Vestland"];
const COUNTRIES = [undefined, "NO", "GB", "US", "SE"];

export type GeneratedStep =
  | { kind: "rename"; name: string }
  | { kind: "move"; address: Address }
  | { kind: "edit"; name: string; address: Address };

/**
 * A random but deterministic change: a rename, a move that changes one or a few address parts
 * (sometimes adding or dropping optional ones), or an edit doing both. May repeat the current
 * value (the handler then appends nothing).
 */
export function randomStep(
  random: () => number,
  current: { name: string; address: Address },
  allowEdit = true,
): GeneratedStep {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const nextAddress = () => {
    const a = { ...current.address };
    const parts = 1 + Math.floor(random() * 2);
    for (let i = 0; i < parts; i++) {
      const which = Math.floor(random() * 5);
      if (which === 0) a.street = pick(STREETS);
      else if (which === 1) a.city = pick(CITIES);
      else if (which === 2) a.region = pick(REGIONS);
      else if (which === 3) a.postalCode = random() < 0.5 ? undefined : String(1000 + Math.floor(random() * 9000));
      else a.country = pick(COUNTRIES);
    }
    for (const key of ["region", "postalCode", "country"] as const) if (a[key] === undefined) delete a[key];
    return a;
  };
  const roll = random();
  if (allowEdit && roll < 0.1) return { kind: "edit", name: pick(NAMES), address: nextAddress() };
  if (roll < 0.5) return { kind: "rename", name: pick(NAMES) };
  return { kind: "move", address: nextAddress() };
}

/**
 * A valid customer history of exactly `count` events (registration first, then renames and
 * moves that each change something), as domain events ready to append.
 */
export function generateCustomerEvents(count: number, seed = 1, archiveAtEnd = false): CustomerEvent[] {
  const random = prng(seed);
  let name = "Ada Lovelace";
  let addr: Address = { street: "1 Analytical Row", city: "London", region: "Greater London" };
  const out: CustomerEvent[] = [{ type: "CustomerRegistered", data: { name, address: addr, email: null, phone: null } }];
  while (out.length < count - (archiveAtEnd ? 1 : 0)) {
    const step = randomStep(random, { name, address: addr }, false);
    if (step.kind === "rename" && step.name !== name) {
      out.push({ type: "CustomerRenamed", data: { newName: step.name, oldName: name } });
      name = step.name;
    } else if (step.kind === "move" && !sameAddress(step.address, addr)) {
      out.push({ type: "CustomerAddressUpdated", data: { newAddress: step.address, oldAddress: addr } });
      addr = step.address;
    }
  }
  if (archiveAtEnd) out.push({ type: "CustomerArchived", data: { reason: "End of history" } });
  return out;
}
