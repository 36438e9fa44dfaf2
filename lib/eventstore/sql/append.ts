import { isPostgresDb, rawQuery, type Db } from "@/db/client";
import { InvalidAppendError, sqlErrorOf, VersionConflictError } from "../errors";
import { notifyAppended } from "../notify";
import type { PreparedAppend, PreparedEvent } from "../prepare-append";
import type { AppendOptions, AppendResult, RecordedEvent } from "../types";
import { APPEND_LOCK_KEY } from "./horizon";
import { parseJson } from "./rows";
import { streamVersion } from "./read-stream";

type AppendRow = {
  out_version: number | string;
  out_positions: unknown;
  out_duplicate: boolean;
  out_created_at: string | Date;
  out_transaction_id: string | null;
};

/**
 * Write a prepared append (see prepare-append.ts) through `ledger_append`, or, for one event
 * without a command id at a version or "no_stream" on PostgreSQL, through APPEND_ONE. Maps the function's LG409 to
 * VersionConflictError and LG400 to InvalidAppendError; announces the append after commit
 * (unless `notify` is false: the caller commits later, and announces it then).
 */
export async function appendPrepared(
  db: Db,
  streamId: string,
  prepared: PreparedAppend,
  options: AppendOptions,
  { notify = true }: { notify?: boolean } = {},
): Promise<AppendResult> {
  let row: AppendRow;
  try {
    const expected = options.expectedVersion;
    const plain = prepared.payload.length === 1 && options.commandId === undefined && isPostgresDb(db);
    if (plain && (expected === "no_stream" || typeof expected === "number")) {
      row = await appendOne(db, streamId, expected, prepared.payload[0]);
    } else {
      [row] = await rawQuery<AppendRow>(db, "select * from ledger_append($1, $2, $3, $4::text::jsonb, $5)", [
        streamId,
        prepared.streamType,
        prepared.expected,
        JSON.stringify(prepared.payload),
        options.commandId ?? null,
      ]);
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
  if (notify) await notifyAppended(db, positions[positions.length - 1]);
  return {
    nextExpectedVersion: version,
    firstPosition: positions[0],
    lastPosition: positions[positions.length - 1],
    duplicate: false,
    events: recordedOf(streamId, prepared.payload, row, version, positions),
  };
}

function recordedOf(streamId: string, payload: PreparedEvent[], row: AppendRow, version: number, positions: number[]) {
  const timestamp = new Date(row.out_created_at).toISOString();
  const first = version - payload.length + 1;
  return payload.map(
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
}

/**
 * The common append, one event, no command id and an expected version that is a number or
 * "no_stream", as one plain statement: the same claim of the next version in the unique
 * (stream_id, version) index as `ledger_append` (migration 0014), without the function's
 * PL/pgSQL and JSON unpacking, which cost a third of the throughput at 16 writers
 * (bench/explore/append-path.mts). No row back means the claim failed and nothing was written: a
 * conflict, whose actual version is then looked up. ("any" and "stream_exists" re-claim on a
 * concurrent append and go through the function.) PostgreSQL only: PGlite keeps no statement
 * cache and would plan this statement on every call, which is slower than the function, whose
 * plans PL/pgSQL caches (bench: embedded).
 */
async function appendOne(db: Db, streamId: string, expectedVersion: number | "no_stream", event: PreparedEvent): Promise<AppendRow> {
  const base = expectedVersion === "no_stream" ? 0 : expectedVersion;
  const [row] = await rawQuery<{ version: number; position: number; created_at: string | Date; transaction_id: string }>(
    db,
    APPEND_ONE,
    [streamId, base, event.id, event.type, event.schemaVersion, JSON.stringify(event.data), JSON.stringify(event.metadata)],
  );
  if (!row) {
    const actual = await streamVersion(db, streamId);
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

/**
 * One event at version $2 + 1 of stream $1, if version $2 exists ($2 = 0: a new stream) and
 * version $2 + 1 does not: the unique index decides between concurrent appends (see migration
 * 0014). The insert reads from `lock`, so the append lock (horizon.ts) is held before the
 * transaction has an id; when the stream is not at $2 nothing is written and the lock need not be.
 */
const APPEND_ONE = `
  with lock as (
    select pg_advisory_xact_lock_shared(${APPEND_LOCK_KEY}) as taken
  )
  insert into events (id, stream_id, version, type, schema_version, data, metadata)
  select $3::uuid, $1, $2::bigint + 1, $4, $5::int, $6::text::jsonb, $7::text::jsonb from lock
  where $2::bigint = 0 or exists (select 1 from events e where e.stream_id = $1 and e.version = $2::bigint)
  on conflict (stream_id, version) do nothing
  returning version, position, created_at, transaction_id::text as transaction_id`;
