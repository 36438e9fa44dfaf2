import { newId } from "@/lib/eventstore/new-id";
import { customerStreamId } from "@/lib/domain/customer/events";
import type { Address } from "@/lib/domain/customer/schema";
import { eventRegistry } from "@/lib/commands/event-registry";
import { prng } from "@/lib/testing/prng";
import type { NewEvent } from "@/lib/eventstore";
import type { BenchContext } from "./context";
import { DataSetError } from "./check";
import type { CustomerSketch } from "./shapes";
export type { CustomerSketch } from "./shapes";

/** The seeded PRNG (lib/testing/prng.ts) with helpers, so every run builds the same data set. */
export function rng(seed: number) {
  const next = prng(seed);
  return { next, int: (n: number) => Math.floor(next() * n), pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)] };
}
export type Rng = ReturnType<typeof rng>;

const FIRST = [
  "Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Dennis", "Frances",
  "John", "Radia", "Tim", "Leslie", "Niklaus", "Sophie", "Linus", "Hedy", "Claude", "Katherine",
  "Bjarne", "Guido", "Anita", "Shafi", "Tony", "Jean", "Karen", "Whitfield", "Adele", "Ivan",
  "Ole", "Kristen", "Robin", "Judea", "Michael", "Silvio", "Yukihiro", "Rasmus", "Brendan", "Larry",
];
const LAST = [
  "Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Ritchie", "Allen",
  "McCarthy", "Perlman", "Berners-Lee", "Lamport", "Wirth", "Wilson", "Torvalds", "Lamarr", "Shannon", "Johnson",
  "Stroustrup", "van Rossum", "Borg", "Goldwasser", "Hoare", "Sammet", "Jones", "Diffie", "Goldberg", "Sutherland",
  "Dahl", "Nygaard", "Milner", "Pearl", "Stonebraker", "Micali", "Matsumoto", "Lerdorf", "Eich", "Wall",
];
const PREFIX = ["North", "South", "East", "West", "New", "Old", "Port", "Lake", "Fort", "Mount"];
const SUFFIX = [
  "haven", "field", "ford", "bridge", "wick", "ton", "bury", "mouth", "stead", "wood",
  "dale", "port", "ville", "minster", "caster", "chester", "burgh", "holm", "vik", "by",
];
/** 200 cities: with 100,000 customers, about 500 per city. */
export const CITIES = PREFIX.flatMap((p) => SUFFIX.map((s) => p + s));
const STREETS = ["Main St", "Oak Ave", "Harbour Rd", "Station Rd", "Mill Lane", "High St", "Church St", "Park Ave"];
const COUNTRIES = ["NO", "SE", "DK", "GB", "US", "DE", "NL", "FR"];

/** A surname the list-page search looks for; each is carried by about 1/40 of the customers. */
export const SEARCH_TERMS = ["Lovelace", "Hopper", "Knuth", "Shannon", "Liskov"];

export const randomName = (r: Rng) => `${r.pick(FIRST)} ${r.pick(LAST)}`;

export function randomAddress(r: Rng): Address {
  return {
    street: `${1 + r.int(400)} ${r.pick(STREETS)}`,
    city: r.pick(CITIES),
    postalCode: String(1000 + r.int(9000)),
    country: r.pick(COUNTRIES),
  };
}

/** The state a bulk generator tracks per customer, to emit valid follow-up events. */

export function newCustomer(r: Rng): { sketch: CustomerSketch; event: NewEvent } {
  const id = newId();
  const sketch = { id, streamId: customerStreamId(id), version: 1, name: randomName(r), address: randomAddress(r) };
  return { sketch, event: { type: "CustomerRegistered", data: { name: sketch.name, address: sketch.address } } };
}

/** A rename or a move of the customer, advancing the sketch. Never a no-op. */
export function changeCustomer(r: Rng, c: CustomerSketch): NewEvent {
  c.version++;
  if (r.next() < 0.5) {
    let name = randomName(r);
    if (name === c.name) name = `${name} Jr`;
    const event = { type: "CustomerRenamed", data: { newName: name, oldName: c.name } };
    c.name = name;
    return event;
  }
  let address = randomAddress(r);
  if (address.street === c.address.street && address.city === c.address.city) address = { ...address, street: `${address.street} B` };
  const event = { type: "CustomerAddressUpdated", data: { newAddress: address, oldAddress: c.address } };
  c.address = address;
  return event;
}

/** One append of a bulk load: events for one stream at an expected version (text, as ledger_append takes it). */
export interface BulkAppend {
  streamId: string;
  expected: string;
  events: NewEvent[];
}

/**
 * Write appends through `ledger_append`, many per statement, for data sets whose writing is not
 * what a scenario measures. Every event's data passes the registry's schema first, so the log
 * holds the same valid events the store would have written, only faster.
 */
export async function bulkAppend(ctx: BenchContext, appends: readonly BulkAppend[], perStatement = 2000): Promise<number> {
  let written = 0;
  for (let start = 0; start < appends.length; start += perStatement) {
    const plain = appends.slice(start, start + perStatement).map((a) => {
      const commandId = newId();
      const metadata = { commandId, correlationId: commandId, causationId: null, actor: "bench" };
      return {
        s: a.streamId,
        x: a.expected,
        e: a.events.map((event) => {
          const entry = eventRegistry[event.type];
          if (!entry) throw new Error(`bulkAppend: unknown event type ${event.type}`);
          return {
            id: newId(),
            type: event.type,
            schemaVersion: entry.schemaVersion,
            data: entry.schema.parse(event.data),
            metadata,
          };
        }),
      };
    });
    // Encrypted runs (BENCH_ENCRYPT=1) store what the store would: personal fields sealed.
    const chunk = ctx.store.codec.personal
      ? await Promise.all(plain.map(async (a) => ({ ...a, e: await ctx.store.codec.encode(ctx.store.db, a.s, a.e) })))
      : plain;
    const rows = await ctx.raw.query<{ n: number | string }>(
      `select count(*) as n from jsonb_array_elements($1::text::jsonb) as a,
         lateral ledger_append(a->>'s', split_part(a->>'s', '-', 1), a->>'x', a->'e', null)`,
      [JSON.stringify(chunk)],
    );
    if (Number(rows[0].n) !== chunk.length) throw new Error(`bulkAppend: ${rows[0].n} of ${chunk.length} appends returned`);
    written += chunk.reduce((n, a) => n + a.e.length, 0);
  }
  return written;
}

/** Every stream's versions run 1..its highest without a gap (the unique index rules out repeats). */
export async function checkStreamsConsistent(ctx: BenchContext): Promise<void> {
  const [row] = await ctx.raw.query<{ bad: number | string; example: string | null }>(
    `select count(*) as bad, min(stream_id) as example
     from (select stream_id, count(*) as n, min(version) as low, max(version) as top from events group by stream_id) e
     where e.low <> 1 or e.n <> e.top`,
  );
  if (Number(row.bad) !== 0) throw new DataSetError(`${row.bad} streams do not match their events (e.g. ${row.example})`);
}

/**
 * A customer log of exactly `events` single-event appends: registrations mixed with renames and
 * moves of already registered customers (`changeShare` of the events), as a running register sees.
 */
export function customerLog(r: Rng, events: number, changeShare = 0.2): { appends: BulkAppend[]; customers: CustomerSketch[] } {
  const customers: CustomerSketch[] = [];
  const appends: BulkAppend[] = [];
  for (let i = 0; i < events; i++) {
    if (customers.length > 0 && r.next() < changeShare) {
      const c = customers[r.int(customers.length)];
      const expected = String(c.version);
      appends.push({ streamId: c.streamId, expected, events: [changeCustomer(r, c)] });
    } else {
      const { sketch, event } = newCustomer(r);
      customers.push(sketch);
      appends.push({ streamId: sketch.streamId, expected: "no_stream", events: [event] });
    }
  }
  return { appends, customers };
}

/** Registrations only: `count` new customers. */
export function registrations(r: Rng, count: number): { appends: BulkAppend[]; customers: CustomerSketch[] } {
  const customers: CustomerSketch[] = [];
  const appends: BulkAppend[] = [];
  for (let i = 0; i < count; i++) {
    const { sketch, event } = newCustomer(r);
    customers.push(sketch);
    appends.push({ streamId: sketch.streamId, expected: "no_stream", events: [event] });
  }
  return { appends, customers };
}

/** Rows shaped like the store's events (data + metadata of a registration) for the baselines. */
export function eventShapedRow(r: Rng) {
  const commandId = newId();
  const { sketch, event } = newCustomer(r);
  return {
    id: newId(),
    streamId: sketch.streamId,
    type: event.type,
    data: event.data,
    metadata: { commandId, correlationId: commandId, causationId: null, actor: "bench" },
  };
}

/**
 * Refresh the planner's statistics after a bulk load, as autovacuum would within a minute or so
 * on a live system. Without it, the first queries after a load plan for an empty table (readAll,
 * for one, then sorts everything after its cursor instead of walking its index).
 */
export async function analyze(ctx: BenchContext, tables: readonly string[]): Promise<void> {
  for (const table of tables) await ctx.raw.query(`analyze ${table}`);
}

export async function countRows(ctx: BenchContext, table: string, where = "true", params: unknown[] = []): Promise<number> {
  const [row] = await ctx.raw.query<{ n: number | string }>(`select count(*) as n from ${table} where ${where}`, params);
  return Number(row.n);
}
