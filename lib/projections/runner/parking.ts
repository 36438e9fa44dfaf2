import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import { toRecorded, type EventRow, type RecordedEvent } from "@/lib/eventstore";

/**
 * The dead letters (`parked_events`): the only module with their SQL. A checkpoint's stream is
 * *blocked* while it has an unresolved row: the runner queues that stream's later events
 * (`waiting`) instead of applying them, so the stream's order holds, and other streams go on.
 */

export interface ParkedEvent {
  checkpoint: string;
  position: number;
  streamId: string;
  eventType: string;
  state: "parked" | "waiting";
  error: string | null;
  failures: number;
  parkedAt: string;
}

type ParkedRow = {
  checkpoint: string;
  position: number | string;
  stream_id: string;
  event_type: string;
  state: "parked" | "waiting";
  error: string | null;
  failures: number | string;
  parked_at: string | Date;
};

const toParked = (row: ParkedRow): ParkedEvent => ({
  checkpoint: row.checkpoint,
  position: Number(row.position),
  streamId: row.stream_id,
  eventType: row.event_type,
  state: row.state,
  error: row.error,
  failures: Number(row.failures),
  parkedAt: new Date(row.parked_at).toISOString(),
});

const COLUMNS = sql`checkpoint, position, stream_id, event_type, state, error, failures, parked_at`;

/** The streams of a checkpoint that wait behind a parked event. */
export async function blockedStreams(tx: Db, checkpoint: string): Promise<Set<string>> {
  const rows = await query<{ stream_id: string }>(
    tx,
    sql`select distinct stream_id from parked_events where checkpoint = ${checkpoint} and resolved_at is null`,
  );
  return new Set(rows.map((r) => r.stream_id));
}

/** Park `event` (the head of its stream's queue) with the error it failed with. */
export async function parkEvent(tx: Db, checkpoint: string, event: RecordedEvent, error: string, failures: number) {
  await tx.execute(sql`
    insert into parked_events (checkpoint, position, transaction_id, stream_id, event_type, state, error, failures)
    values (${checkpoint}, ${event.position}, ${event.transactionId}::text::xid8, ${event.streamId}, ${event.type},
            'parked', ${error}, ${failures})
    on conflict (checkpoint, position) do update set state = 'parked', error = excluded.error,
      failures = excluded.failures, parked_at = now(), resolution = null, resolved_by = null, resolved_at = null`);
}

/** Queue events of blocked streams behind their parked event, in order. */
export async function queueBehind(tx: Db, checkpoint: string, events: readonly RecordedEvent[]) {
  const rows = events.map((e) => ({ p: e.position, t: e.transactionId, s: e.streamId, y: e.type }));
  await tx.execute(sql`
    insert into parked_events (checkpoint, position, transaction_id, stream_id, event_type, state)
    select ${checkpoint}, (r->>'p')::bigint, (r->>'t')::xid8, r->>'s', r->>'y', 'waiting'
    from jsonb_array_elements(${JSON.stringify(rows)}::text::jsonb) r
    on conflict (checkpoint, position) do nothing`);
}

/** A parked event's unresolved queue (itself first, then what waits behind it), or [] if it is not parked. */
export async function queueOf(tx: Db, checkpoint: string, position: number): Promise<ParkedEvent[]> {
  const rows = await query<ParkedRow>(
    tx,
    sql`select ${COLUMNS} from parked_events where checkpoint = ${checkpoint} and resolved_at is null
          and stream_id = (select stream_id from parked_events where checkpoint = ${checkpoint}
                           and position = ${position} and state = 'parked' and resolved_at is null)
        order by transaction_id, position`,
  );
  return rows.map(toParked);
}

/** Resolve one dead letter (`retried`: applied now; `skipped`: never applied), recording who did it. */
export async function resolveParked(tx: Db, checkpoint: string, position: number, resolution: "retried" | "skipped", actor: string) {
  await tx.execute(sql`update parked_events set resolution = ${resolution}, resolved_by = ${actor}, resolved_at = now()
    where checkpoint = ${checkpoint} and position = ${position}`);
}

/** A queued event failed again: it is now its stream's parked head, with this error. */
export async function markParked(tx: Db, checkpoint: string, position: number, error: string) {
  await tx.execute(sql`update parked_events set state = 'parked', error = ${error}, failures = failures + 1
    where checkpoint = ${checkpoint} and position = ${position}`);
}

/** Every unresolved dead letter (at most `limit`), oldest first. */
export async function listParked(db: Db, limit = 500): Promise<ParkedEvent[]> {
  const rows = await query<ParkedRow>(
    db,
    sql`select ${COLUMNS} from parked_events where resolved_at is null order by parked_at, position limit ${limit}`,
  );
  return rows.map(toParked);
}

/** A resolved dead letter: what became of it, who decided, when. */
export interface ResolvedParkedEvent extends ParkedEvent {
  resolution: "retried" | "skipped";
  /** The actor who retried or skipped it (`user:<id>`, `key:<id>`). */
  resolvedBy: string;
  resolvedAt: string;
}

/** The most recently resolved dead letters (at most `limit`), newest first: the record of who retried or skipped what. */
export async function listResolved(db: Db, limit = 20): Promise<ResolvedParkedEvent[]> {
  const rows = await query<ParkedRow & { resolution: "retried" | "skipped"; resolved_by: string; resolved_at: string | Date }>(
    db,
    sql`select ${COLUMNS}, resolution, resolved_by, resolved_at from parked_events where resolved_at is not null
        order by resolved_at desc, position desc limit ${limit}`,
  );
  return rows.map((row) => ({
    ...toParked(row),
    resolution: row.resolution,
    resolvedBy: row.resolved_by,
    resolvedAt: new Date(row.resolved_at).toISOString(),
  }));
}

/** Unresolved parked (not waiting) events per checkpoint. */
export async function parkedCounts(db: Db): Promise<Map<string, number>> {
  const rows = await query<{ checkpoint: string; n: number | string }>(
    db,
    sql`select checkpoint, count(*) as n from parked_events where resolved_at is null and state = 'parked' group by checkpoint`,
  );
  return new Map(rows.map((r) => [r.checkpoint, Number(r.n)]));
}

/** The events at these positions, in the follower order. */
export async function eventsAt(tx: Db, positions: readonly number[]): Promise<RecordedEvent[]> {
  if (!positions.length) return [];
  const rows = await query<EventRow>(
    tx,
    sql`select position, transaction_id::text as "transactionId", id, stream_id as "streamId", version, type,
          schema_version as "schemaVersion", data, metadata, created_at as "createdAt"
        from events where position in (select (jsonb_array_elements_text(${JSON.stringify(positions)}::text::jsonb))::bigint)
        order by transaction_id, position`,
  );
  return rows.map(toRecorded);
}

/** On a rebuild's swap: its dead letters become the live checkpoint's; the old live ones go. */
export async function handOverParked(tx: Db, from: string, to: string) {
  await tx.execute(sql`delete from parked_events p where checkpoint = ${to} and (resolved_at is null
    or exists (select 1 from parked_events f where f.checkpoint = ${from} and f.position = p.position))`);
  await tx.execute(sql`update parked_events set checkpoint = ${to} where checkpoint = ${from}`);
}

/** A new rebuild starts from nothing: forget any dead letters of an earlier one. */
export async function clearParked(tx: Db, checkpoint: string) {
  await tx.execute(sql`delete from parked_events where checkpoint = ${checkpoint}`);
}
