import { and, asc, desc, eq, gt, inArray, lt, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { events } from "@/db/schema";
import { customerIdOf, customerStreamId } from "@/lib/domain/customer/events";
import { eventRegistry } from "@/lib/eventstore/customer-registry";
import { toRecorded, type EventStore, type RecordedEvent } from "@/lib/eventstore";
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

/** A stream filter: a stream id (`Customer-…`) or a bare customer uuid. */
const streamParam = z
  .string()
  .trim()
  .max(300, "stream must be at most 300 characters")
  .transform((value) => (z.uuid().safeParse(value).success ? customerStreamId(value.toLowerCase()) : value));

export const EVENT_PAGE_SIZE = 25;

/** `/events` page and `GET /api/events/browse`: the log newest first, for people. */
export const eventBrowseParams = z
  .object({
    before: optionalParam(intParam("before", 1, Number.MAX_SAFE_INTEGER)),
    after: optionalParam(intParam("after", 0, Number.MAX_SAFE_INTEGER)),
    limit: optionalParam(intParam("limit", 1, 200)).default(EVENT_PAGE_SIZE),
    type: optionalParam(typesParam),
    stream: optionalParam(streamParam),
  })
  .strict();

export type EventBrowseParams = z.output<typeof eventBrowseParams>;

export interface EventBrowsePage {
  events: ApiEvent[];
  /** Position to pass as `before` for older events, or null at the oldest. */
  olderBefore: number | null;
  /** Position to pass as `after` for newer events, or null at the newest. */
  newerAfter: number | null;
}

/**
 * Newest first, by position. Older pages use the store's `readBackwards`; newer pages (the
 * "Previous" button) read forwards from `after` and reverse. Position order is right for
 * browsing; followers use `readAll`.
 */
export async function browseEvents(store: EventStore, db: Db, params: EventBrowseParams): Promise<EventBrowsePage> {
  const limit = params.limit;
  const filters: SQL[] = [];
  if (params.type?.length) filters.push(inArray(events.type, params.type));
  if (params.stream) filters.push(eq(events.streamId, params.stream));
  let page: RecordedEvent[];
  if (params.after !== undefined && params.before === undefined) {
    const rows = await db
      .select()
      .from(events)
      .where(and(gt(events.position, params.after), ...filters))
      .orderBy(asc(events.position))
      .limit(limit + 1);
    const newer = rows.length > limit;
    page = rows.slice(0, limit).map(toRecorded).reverse();
    if (page.length < limit) return browseEvents(store, db, { ...params, after: undefined });
    return {
      events: page.map(toApiEvent),
      olderBefore: await olderExists(db, filters, page[page.length - 1].position),
      newerAfter: newer ? page[0].position : null,
    };
  }
  const fetched = await store.readBackwards({
    beforePosition: params.before,
    limit: limit + 1,
    types: params.type,
    streamId: params.stream,
  });
  page = fetched.slice(0, limit);
  const hasOlder = fetched.length > limit;
  return {
    events: page.map(toApiEvent),
    olderBefore: hasOlder ? page[page.length - 1].position : null,
    newerAfter: params.before !== undefined && page.length > 0 ? await newerExists(db, filters, page[0].position) : null,
  };
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
