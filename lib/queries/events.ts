import { and, asc, desc, eq, gt, inArray, lt, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { events } from "@/db/schema";
import { eventRegistry } from "@/lib/commands/event-registry";
import { customerIdOf, customerStreamId, isUuid } from "@/lib/domain/customer/ids";
import { toRecorded, type EventStore, type RecordedEvent } from "@/lib/eventstore";
import { customerNames, resolveStreamFilter } from "./customer-names";
import { intParam, optionalParam } from "./params";

export { describeEvent, formatAddress } from "./describe";

/** An event as the API shows it (SPEC §4): no storage internals. */
export interface ApiEvent {
  id: string;
  streamId: string;
  type: string;
  version: number;
  position: number;
  data: unknown;
  metadata: RecordedEvent["metadata"];
  timestamp: string;
  /** The schema version `data` is in (the current one: older events are upcast on read). */
  schemaVersion: number;
  /** Present when the event was upcast: its schema version and data as stored. */
  stored?: { schemaVersion: number; data: unknown };
}

export function toApiEvent(event: RecordedEvent): ApiEvent {
  return {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    version: event.version,
    position: event.position,
    data: event.data,
    metadata: event.metadata,
    timestamp: event.timestamp,
    schemaVersion: event.schemaVersion,
    ...(event.stored ? { stored: event.stored } : {}),
  };
}

export const knownEventTypes = Object.keys(eventRegistry).sort();

/** `type=A,B` (comma-separated) → a list of known event types. */
const typesParam = z
  .string()
  .transform((value) => value.split(",").map((t) => t.trim()).filter(Boolean))
  .pipe(
    z.array(
      z.string().refine((t) => knownEventTypes.includes(t), {
        error: (issue) => `Unknown event type ${JSON.stringify(issue.input)}; known: ${knownEventTypes.join(", ")}`,
      }),
    ),
  );

/** `GET /api/events`: the follower feed. */
export const eventFeedParams = z
  .object({
    after: optionalParam(z.string().max(64, "after must be a cursor returned by this API")),
    limit: optionalParam(intParam("limit", 1, 1000)).default(100),
    type: optionalParam(typesParam),
  })
  .strict();

export type EventFeedParams = z.output<typeof eventFeedParams>;

/** The global log in the follower-safe order; `cursor` is passed back as `after`. */
export async function readEventFeed(store: EventStore, params: EventFeedParams) {
  const page = await store.readAll({ after: params.after ?? null, limit: params.limit, types: params.type });
  return { events: page.events.map(toApiEvent), cursor: page.cursor };
}

/** A stream filter: a stream id (`Customer-…`), a bare customer uuid or a customer's name (resolveStreamFilter). */
const streamParam = z
  .string()
  .trim()
  .max(300, "stream must be at most 300 characters")
  .transform((value) => (isUuid(value) ? customerStreamId(value.toLowerCase()) : value));

/** A recorded actor: `user:<id>`, `key:<id>`, `system:seed`, or a legacy one such as `web`. */
const actorParam = z
  .string()
  .trim()
  .max(200, "actor must be at most 200 characters")
  .regex(/^[A-Za-z0-9_.:-]+$/, "actor must look like user:<id>, key:<id> or system:seed");

/** The event's recorded actor; events_actor_position_idx serves it (with position order). */
const actorOf = sql`(${events.metadata} ->> 'actor')`;

export const EVENT_PAGE_SIZE = 25;

/** `/events` page and `GET /api/events/browse`: the log newest first, for people. */
export const eventBrowseParams = z
  .object({
    before: optionalParam(intParam("before", 1, Number.MAX_SAFE_INTEGER)),
    after: optionalParam(intParam("after", 0, Number.MAX_SAFE_INTEGER)),
    limit: optionalParam(intParam("limit", 1, 200)).default(EVENT_PAGE_SIZE),
    type: optionalParam(typesParam),
    stream: optionalParam(streamParam),
    actor: optionalParam(actorParam),
  })
  .strict();

export type EventBrowseParams = z.output<typeof eventBrowseParams>;

export interface EventBrowsePage {
  events: ApiEvent[];
  /** Position to pass as `before` for older events, or null at the oldest. */
  olderBefore: number | null;
  /** Position to pass as `after` for newer events, or null at the newest. */
  newerAfter: number | null;
  /** The current name of each customer on the page, by customer id ("[erased]" once erased). */
  customers: Record<string, string>;
}

/**
 * Newest first, by position. Older pages use `readBackwards`; newer pages (the
 * "Previous" button) read forwards from `after` and reverse. Position order is right for
 * browsing; followers use `readAll`.
 */
export async function browseEvents(store: EventStore, db: Db, params: EventBrowseParams): Promise<EventBrowsePage> {
  const stream = params.stream ? await resolveStreamFilter(db, params.stream) : undefined;
  const page = await browsePage(store, db, { ...params, stream });
  return { ...page, customers: await customerNames(db, page.events.map((event) => event.streamId)) };
}

async function browsePage(store: EventStore, db: Db, params: EventBrowseParams): Promise<Omit<EventBrowsePage, "customers">> {
  const limit = params.limit;
  const filters: SQL[] = [];
  if (params.type?.length) filters.push(inArray(events.type, params.type));
  if (params.stream) filters.push(eq(events.streamId, params.stream));
  if (params.actor) filters.push(sql`${actorOf} = ${params.actor}`);
  let page: RecordedEvent[];
  if (params.after !== undefined && params.before === undefined) {
    const rows = await db
      .select()
      .from(events)
      .where(and(gt(events.position, params.after), ...filters))
      .orderBy(asc(events.position))
      .limit(limit + 1);
    const newer = rows.length > limit;
    page = (await store.codec.decode(db, rows.slice(0, limit).map(toRecorded))).reverse();
    if (page.length < limit) return browsePage(store, db, { ...params, after: undefined });
    return {
      events: page.map(toApiEvent),
      olderBefore: await olderExists(db, filters, page[page.length - 1].position),
      newerAfter: newer ? page[0].position : null,
    };
  }
  const fetched = await readBackwards(store, db, {
    beforePosition: params.before,
    limit: limit + 1,
    types: params.type,
    streamId: params.stream,
    actor: params.actor,
  });
  page = fetched.slice(0, limit);
  const hasOlder = fetched.length > limit;
  return {
    events: page.map(toApiEvent),
    olderBefore: hasOlder ? page[page.length - 1].position : null,
    newerAfter: params.before !== undefined && page.length > 0 ? await newerExists(db, filters, page[0].position) : null,
  };
}

/** The newest events first, by position: for browsing, not for following (see readAll). Opened and upcast. */
export async function readBackwards(
  store: EventStore,
  db: Db,
  options: { beforePosition?: number; limit?: number; types?: readonly string[]; streamId?: string; actor?: string } = {},
): Promise<RecordedEvent[]> {
  const conditions: SQL[] = [];
  if (options.beforePosition !== undefined) conditions.push(lt(events.position, options.beforePosition));
  if (options.types?.length) conditions.push(inArray(events.type, [...options.types]));
  if (options.streamId) conditions.push(eq(events.streamId, options.streamId));
  if (options.actor) conditions.push(sql`${actorOf} = ${options.actor}`);
  const rows = await db
    .select()
    .from(events)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(events.position))
    .limit(Math.max(1, Math.min(options.limit ?? 50, 1000)));
  return store.codec.decode(db, rows.map(toRecorded));
}

async function olderExists(db: Db, filters: SQL[], position: number): Promise<number | null> {
  const [row] = await db.select({ position: events.position }).from(events).where(and(lt(events.position, position), ...filters)).orderBy(desc(events.position)).limit(1);
  return row ? position : null;
}

async function newerExists(db: Db, filters: SQL[], position: number): Promise<number | null> {
  const [row] = await db.select({ position: events.position }).from(events).where(and(gt(events.position, position), ...filters)).limit(1);
  return row ? position : null;
}

/** The customer id of an event's stream (for links), or null for other streams. */
export const customerIdOfEvent = (event: { streamId: string }) => customerIdOf(event.streamId);
