import { and, asc, desc, eq, gte, inArray, lte, sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { isPostgresDb, rawQuery, query, type Db } from "@/db/client";
import { commands, events, snapshots, streams } from "@/db/schema";
import { decodeCursor, encodeCursor, START, type GlobalCursor } from "./cursor";
import { InvalidAppendError, InvalidCursorError, sqlErrorOf, VersionConflictError } from "./errors";
import { notifyAppended } from "./notify";
import type {
  AppendOptions,
  AppendResult,
  EventMetadata,
  EventRegistry,
  ExpectedVersion,
  NewEvent,
  RecordedEvent,
  Snapshot,
} from "./types";

const STREAM_ID = /^[A-Za-z][A-Za-z0-9_]{0,63}-[A-Za-z0-9_.:-]{1,200}$/;
const MAX_EVENTS_PER_APPEND = 1000;

type EventRow = typeof events.$inferSelect;

/**
 * The event store: a handful of verbs over the `events` table. One implementation serves
 * PostgreSQL (postgres.js) and PGlite; only `Db` differs.
 */
export class EventStore {
  constructor(
    readonly db: Db,
    private readonly registry: EventRegistry,
  ) {}

  /**
   * Append events to a stream atomically, if the stream is at `expectedVersion`.
   * Throws VersionConflictError (nothing written) when it is not, and InvalidAppendError
   * (nothing written) when the append itself is malformed. With a `commandId` already seen,
   * returns the first outcome with `duplicate: true` and appends nothing.
   */
  async append(streamId: string, newEvents: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    const prepared = this.prepare(streamId, newEvents, options);
    let row: {
      out_version: number | string;
      out_positions: unknown;
      out_duplicate: boolean;
      out_created_at: string | Date;
      out_transaction_id: string | null;
    };
    try {
      if (prepared.payload.length === 1 && options.commandId === undefined && isPostgresDb(this.db)) {
        row = await this.appendOne(streamId, prepared.streamType, options.expectedVersion, prepared.payload[0]);
      } else {
        [row] = await rawQuery<typeof row>(
          this.db,
          "select * from ledger_append($1, $2, $3, $4::text::jsonb, $5)",
          [streamId, prepared.streamType, prepared.expected, JSON.stringify(prepared.payload), options.commandId ?? null],
        );
      }
    } catch (error) {
      const sqlError = sqlErrorOf(error);
      if (sqlError?.code === "LG409") {
        const detail = JSON.parse(sqlError.detail ?? "{}") as { actual?: number };
        throw new VersionConflictError(streamId, options.expectedVersion, Number(detail.actual ?? 0));
      }
      if (sqlError?.code === "LG400") throw new InvalidAppendError(sqlError.message);
      throw error;
    }
    const positions = parseJson<number[]>(row.out_positions).map(Number);
    const version = Number(row.out_version);
    if (row.out_duplicate) {
      const position = positions[0] ?? 0;
      return { nextExpectedVersion: version, firstPosition: position, lastPosition: position, duplicate: true, events: [] };
    }
    await notifyAppended(this.db, positions[positions.length - 1]);
    const timestamp = new Date(row.out_created_at).toISOString();
    const first = version - prepared.payload.length + 1;
    const recorded = prepared.payload.map(
      (event, index): RecordedEvent => ({
        id: event.id,
        streamId,
        type: event.type,
        version: first + index,
        position: positions[index],
        schemaVersion: event.schemaVersion,
        data: event.data,
        metadata: event.metadata,
        timestamp,
        transactionId: row.out_transaction_id ?? "0",
      }),
    );
    return {
      nextExpectedVersion: version,
      firstPosition: positions[0],
      lastPosition: positions[positions.length - 1],
      duplicate: false,
      events: recorded,
    };
  }

  /**
   * The common append, one event and no command id, as one plain statement: the same
   * compare-and-set on the stream row and the same insert as `ledger_append`, without the
   * function's PL/pgSQL and JSON unpacking, which cost a third of the throughput at 16 writers
   * (bench/explore/append-path.mts). No row back means the compare-and-set failed and nothing
   * was written: a conflict, whose actual version is then looked up. PostgreSQL only: PGlite keeps
   * no statement cache and would plan this statement on every call, which is slower than the
   * function, whose plans PL/pgSQL caches (bench: embedded).
   */
  private async appendOne(
    streamId: string,
    streamType: string,
    expectedVersion: ExpectedVersion,
    event: { id: string; type: string; schemaVersion: number; data: unknown; metadata: EventMetadata },
  ) {
    const exact = typeof expectedVersion === "number" ? expectedVersion : null;
    const kind = exact === null ? expectedVersion : "exact";
    const [row] = await rawQuery<{ version: number; position: number; created_at: string | Date; transaction_id: string }>(
      this.db,
      APPEND_ONE,
      [streamId, streamType, kind, exact, event.id, event.type, event.schemaVersion, JSON.stringify(event.data), JSON.stringify(event.metadata)],
    );
    if (!row) {
      const actual = await this.streamVersion(streamId);
      throw new VersionConflictError(streamId, expectedVersion, actual);
    }
    return {
      out_version: row.version,
      out_positions: [row.position],
      out_duplicate: false,
      out_created_at: row.created_at,
      out_transaction_id: row.transaction_id,
    };
  }

  /** Validate everything about an append before anything is sent to the database. */
  private prepare(streamId: string, newEvents: readonly NewEvent[], options: AppendOptions) {
    if (typeof streamId !== "string" || !STREAM_ID.test(streamId)) {
      throw new InvalidAppendError(`Invalid stream id ${JSON.stringify(streamId)}: expected "<Type>-<id>"`);
    }
    const expected = expectedToText(options.expectedVersion);
    if (!Array.isArray(newEvents) || newEvents.length === 0) {
      throw new InvalidAppendError("An append needs at least one event");
    }
    if (newEvents.length > MAX_EVENTS_PER_APPEND) {
      throw new InvalidAppendError(`An append takes at most ${MAX_EVENTS_PER_APPEND} events`);
    }
    if (options.commandId !== undefined && (typeof options.commandId !== "string" || !/^[\x21-\x7e]{1,200}$/.test(options.commandId))) {
      throw new InvalidAppendError("commandId must be 1–200 printable ASCII characters");
    }
    const commandId = options.commandId ?? uuidv7();
    const metadata: EventMetadata = {
      commandId,
      correlationId: options.correlationId ?? commandId,
      causationId: options.causationId ?? null,
      actor: options.actor ?? "system",
    };
    const issues: InvalidAppendError["issues"] = [];
    const payload = newEvents.map((event, index) => {
      const entry = this.registry[event?.type];
      if (!entry) {
        issues.push({ index, type: event?.type, message: `Unknown event type ${JSON.stringify(event?.type)}` });
        return null;
      }
      const parsed = entry.schema.safeParse(event.data);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          issues.push({ index, type: event.type, path: issue.path.join("."), message: issue.message });
        }
        return null;
      }
      return {
        id: event.id ?? uuidv7(),
        type: event.type,
        schemaVersion: entry.schemaVersion,
        data: parsed.data as unknown,
        metadata,
      };
    });
    if (issues.length) {
      throw new InvalidAppendError(
        `Event data failed validation: ${issues.map((i) => `#${i.index} ${i.type ?? "?"}${i.path ? `.${i.path}` : ""}: ${i.message}`).join("; ")}`,
        issues,
      );
    }
    const streamType = streamId.slice(0, streamId.indexOf("-"));
    return { expected, streamType, payload: payload as NonNullable<(typeof payload)[number]>[] };
  }

  /** The events of one stream in version order, optionally within [fromVersion, toVersion]. */
  async readStream(
    streamId: string,
    range: { fromVersion?: number; toVersion?: number } = {},
  ): Promise<RecordedEvent[]> {
    const conditions = [eq(events.streamId, streamId)];
    if (range.fromVersion !== undefined) conditions.push(gte(events.version, range.fromVersion));
    if (range.toVersion !== undefined) conditions.push(lte(events.version, range.toVersion));
    const rows = await this.db
      .select()
      .from(events)
      .where(and(...conditions))
      .orderBy(asc(events.version));
    return rows.map(toRecorded);
  }

  /** The stream's current version, or 0 when it does not exist. */
  async streamVersion(streamId: string): Promise<number> {
    const [row] = await this.db
      .select({ version: streams.version })
      .from(streams)
      .where(eq(streams.streamId, streamId));
    return row ? Number(row.version) : 0;
  }

  /**
   * Page through the global log in an order that is safe for followers.
   *
   * Positions come from a sequence, so a transaction can commit *after* another one that drew
   * a higher position; a follower reading `position > after` would then skip it forever. We
   * order by (transaction id, position) and return only events of transactions older than the
   * oldest transaction still running (`pg_snapshot_xmin`): every such transaction has ended, so
   * nothing can later appear below the returned cursor. Cost: a follower lags behind the
   * longest-running writing transaction; the (transaction_id, position) index serves the scan.
   */
  async readAll(
    options: { after?: GlobalCursor | string | null; limit?: number; types?: readonly string[] } = {},
  ): Promise<{ events: RecordedEvent[]; cursor: string }> {
    const after = resolveCursor(options.after);
    const limit = Math.max(1, Math.min(options.limit ?? 100, 10_000));
    // Raw rows, not Drizzle's select: followers read the whole log through here, and Drizzle's
    // per-column mapping cost half the throughput of a catch-up (bench catch-up).
    const types = options.types?.length ? JSON.stringify(options.types) : null;
    const rows = await rawQuery<EventRow>(
      this.db,
      types ? READ_ALL_OF_TYPES : READ_ALL,
      types ? [after.transactionId, after.position, limit, types] : [after.transactionId, after.position, limit],
    );
    const recorded = rows.map(toRecorded);
    const last = recorded[recorded.length - 1];
    return { events: recorded, cursor: last ? cursorOf(last) : encodeCursor(after) };
  }

  /** The newest events first, by position: for browsing, not for following. */
  async readBackwards(
    options: { beforePosition?: number; limit?: number; types?: readonly string[]; streamId?: string } = {},
  ): Promise<RecordedEvent[]> {
    const conditions = [];
    if (options.beforePosition !== undefined) conditions.push(sql`${events.position} < ${options.beforePosition}`);
    if (options.types?.length) conditions.push(inArray(events.type, [...options.types]));
    if (options.streamId) conditions.push(eq(events.streamId, options.streamId));
    const rows = await this.db
      .select()
      .from(events)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(events.position))
      .limit(Math.max(1, Math.min(options.limit ?? 50, 1000)));
    return rows.map(toRecorded);
  }

  /** The highest position written so far. */
  async head(): Promise<{ position: number }> {
    const [row] = await query<{ position: number | string | null }>(
      this.db,
      sql`select max(position) as position from events`,
    );
    return { position: Number(row?.position ?? 0) };
  }

  /** The stored outcome of a command id, if it reached the store. */
  async findCommand(commandId: string): Promise<{ streamId: string; version: number | null; position: number | null } | null> {
    const [row] = await this.db.select().from(commands).where(eq(commands.commandId, commandId));
    if (!row) return null;
    return { streamId: row.streamId, version: row.version ?? null, position: row.position ?? null };
  }

  /**
   * Record a command that changed nothing, so that replaying its id returns the same outcome.
   * Returns false when the id was already recorded.
   */
  async recordCommand(commandId: string, streamId: string, version: number): Promise<boolean> {
    const rows = await this.db
      .insert(commands)
      .values({ commandId, streamId, version, position: null })
      .onConflictDoNothing()
      .returning({ commandId: commands.commandId });
    return rows.length > 0;
  }

  /** Store a snapshot; a second one at the same version is ignored. */
  async saveSnapshot(snapshot: Snapshot): Promise<void> {
    await this.db
      .insert(snapshots)
      .values({
        streamId: snapshot.streamId,
        version: snapshot.version,
        shapeVersion: snapshot.shapeVersion,
        state: snapshot.state as object,
      })
      .onConflictDoNothing();
  }

  /**
   * The latest snapshot of `shapeVersion` at or below `maxVersion`. Snapshots of any other shape
   * are never returned: a stale shape is ignored, not misread.
   */
  async loadSnapshot<State>(
    streamId: string,
    shapeVersion: number,
    maxVersion?: number,
  ): Promise<Snapshot<State> | null> {
    const conditions = [eq(snapshots.streamId, streamId), eq(snapshots.shapeVersion, shapeVersion)];
    if (maxVersion !== undefined) conditions.push(lte(snapshots.version, maxVersion));
    const [row] = await this.db
      .select()
      .from(snapshots)
      .where(and(...conditions))
      .orderBy(desc(snapshots.version))
      .limit(1);
    if (!row) return null;
    return {
      streamId: row.streamId,
      version: Number(row.version),
      shapeVersion: row.shapeVersion,
      state: parseJson<State>(row.state),
    };
  }
}

/**
 * One event, no command id: `ledger_append`'s compare-and-set and insert as one statement.
 * $3 is the kind of expectation (no_stream | any | stream_exists | exact), $4 the exact version.
 * The stream row is written (and so locked to commit) before the event is inserted, exactly as
 * in the function; the unique (stream_id, version) index remains the backstop.
 */
const APPEND_ONE = `
  with created as (
    insert into streams as s (stream_id, stream_type, version)
    select $1, $2, 1 where $3 in ('no_stream', 'any')
    on conflict (stream_id) do update set version = s.version + 1, updated_at = now() where $3 = 'any'
    returning s.version
  ), moved as (
    update streams s set version = s.version + 1, updated_at = now()
    where $3 in ('stream_exists', 'exact') and s.stream_id = $1 and ($3 = 'stream_exists' or s.version = $4::bigint)
    returning s.version
  ), next as (
    select version from created union all select version from moved
  ), inserted as (
    insert into events (id, stream_id, version, type, schema_version, data, metadata)
    select $5::uuid, $1, next.version, $6, $7::int, $8::text::jsonb, $9::text::jsonb from next
    returning version, position, created_at, transaction_id::text as transaction_id
  )
  select version, position, created_at, transaction_id from inserted`;

/**
 * readAll's statement (see there): events after the cursor ($1 transaction id as text, $2
 * position) in (transaction id, position) order, only of transactions older than every one still
 * running, at most $3; columns named as Drizzle's EventRow, for toRecorded.
 */
const READ_ALL_SELECT = `
  select position, transaction_id::text as "transactionId", id, stream_id as "streamId", version, type,
         schema_version as "schemaVersion", data, metadata, created_at as "createdAt"
  from events
  where (transaction_id, position) > ($1::text::xid8, $2::bigint)
    and transaction_id < pg_snapshot_xmin(pg_current_snapshot())`;
const READ_ALL = `${READ_ALL_SELECT}
  order by transaction_id, position limit $3::int`;
const READ_ALL_OF_TYPES = `${READ_ALL_SELECT}
    and type in (select jsonb_array_elements_text($4::text::jsonb))
  order by transaction_id, position limit $3::int`;

/**
 * The latest snapshot of a shape (at or below a version) and the stream's events after it, in one
 * prepared round trip: the path every command takes before it decides. Rows come back in version
 * order; the snapshot, when there is one, is the first row (its version is below every tail event).
 *
 * `knownVersion`: the caller already holds the state at this version (a cache), so only a snapshot
 * above it and the events above both are wanted.
 */
export const LOAD_LATEST = `
  with snap as (
    select version, state from snapshots
    where stream_id = $1 and shape_version = $2 and version > $4::bigint
      and version <= coalesce($3::bigint, 9223372036854775807)
    order by version desc limit 1
  )
  select true as "isSnapshot", null::uuid as id, null::text as "streamId", version, null::bigint as position,
         null::text as type, null::int as "schemaVersion", state as data, null::jsonb as metadata,
         null::timestamptz as "createdAt", null::text as "transactionId"
  from snap
  union all
  select false, e.id, e.stream_id, e.version, e.position, e.type, e.schema_version, e.data, e.metadata,
         e.created_at, e.transaction_id::text
  from events e
  where e.stream_id = $1
    and e.version > coalesce((select version from snap), $4::bigint)
    and e.version <= coalesce($3::bigint, 9223372036854775807)
  order by 4`;

export interface LatestState<State> {
  snapshot: Snapshot<State> | null;
  tail: RecordedEvent[];
}

export async function loadLatest<State>(
  store: EventStore,
  streamId: string,
  shapeVersion: number,
  toVersion?: number,
  knownVersion = 0,
): Promise<LatestState<State>> {
  const rows = await rawQuery<EventRow & { isSnapshot: boolean }>(store.db, LOAD_LATEST, [
    streamId,
    shapeVersion,
    toVersion ?? null,
    knownVersion,
  ]);
  let snapshot: Snapshot<State> | null = null;
  const tail: RecordedEvent[] = [];
  for (const row of rows) {
    if (row.isSnapshot) {
      snapshot = { streamId, version: Number(row.version), shapeVersion, state: parseJson<State>(row.data) };
    } else {
      tail.push(toRecorded(row));
    }
  }
  return { snapshot, tail };
}

export function cursorOf(event: Pick<RecordedEvent, "transactionId" | "position">): string {
  return encodeCursor({ transactionId: event.transactionId, position: event.position });
}

function resolveCursor(after: GlobalCursor | string | null | undefined): GlobalCursor {
  if (after === undefined || after === null || after === "") return START;
  if (typeof after !== "string") return after;
  const decoded = decodeCursor(after);
  if (!decoded) throw new InvalidCursorError(after);
  return decoded;
}

function expectedToText(expected: ExpectedVersion): string {
  if (expected === "any" || expected === "no_stream" || expected === "stream_exists") return expected;
  if (typeof expected === "number" && Number.isSafeInteger(expected) && expected >= 1) return String(expected);
  throw new InvalidAppendError(
    `Invalid expected version ${JSON.stringify(expected)}: use a version ≥ 1, "no_stream", "stream_exists" or "any"`,
  );
}

function parseJson<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

export function toRecorded(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    streamId: row.streamId,
    type: row.type,
    version: Number(row.version),
    position: Number(row.position),
    schemaVersion: row.schemaVersion,
    data: parseJson(row.data),
    metadata: parseJson<EventMetadata>(row.metadata),
    timestamp: new Date(row.createdAt).toISOString(),
    transactionId: String(row.transactionId),
  };
}
