import { and, desc, eq, lte } from "drizzle-orm";
import { rawQuery, type Db } from "@/db/client";
import { snapshots } from "@/db/schema";
import type { RecordedEvent, Snapshot } from "../types";
import { parseJson, toRecorded, type EventRow } from "./rows";

/** Store a snapshot; a second one at the same version is ignored. */
export async function saveSnapshot(db: Db, snapshot: Snapshot): Promise<void> {
  await db
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
export async function loadSnapshot<State>(
  db: Db,
  streamId: string,
  shapeVersion: number,
  maxVersion?: number,
): Promise<Snapshot<State> | null> {
  const conditions = [eq(snapshots.streamId, streamId), eq(snapshots.shapeVersion, shapeVersion)];
  if (maxVersion !== undefined) conditions.push(lte(snapshots.version, maxVersion));
  const [row] = await db
    .select()
    .from(snapshots)
    .where(and(...conditions))
    .orderBy(desc(snapshots.version))
    .limit(1);
  if (!row) return null;
  return { streamId: row.streamId, version: Number(row.version), shapeVersion: row.shapeVersion, state: parseJson<State>(row.state) };
}

export interface LatestState<State> {
  snapshot: Snapshot<State> | null;
  tail: RecordedEvent[];
}

/**
 * The latest snapshot of a shape (at or below `toVersion`) and the stream's events after it, in
 * one round trip (see LOAD_LATEST). With `oldestShape`, a snapshot of an older shape may come back
 * (its `shapeVersion` says which): for a caller that upcasts it. Raw: not decrypted or upcast. `knownVersion`: the caller already holds the state at this
 * version (a cache), so only a snapshot above it and the events above both are wanted.
 */
export async function loadLatest<State>(
  db: Db,
  streamId: string,
  shapeVersion: number,
  toVersion?: number,
  knownVersion = 0,
  oldestShape = shapeVersion,
): Promise<LatestState<State>> {
  const rows = await rawQuery<EventRow & { isSnapshot: boolean }>(db, LOAD_LATEST, [
    streamId,
    shapeVersion,
    toVersion ?? null,
    knownVersion,
    oldestShape,
  ]);
  let snapshot: Snapshot<State> | null = null;
  const tail: RecordedEvent[] = [];
  for (const row of rows) {
    if (row.isSnapshot) {
      snapshot = { streamId, version: Number(row.version), shapeVersion: Number(row.schemaVersion), state: parseJson<State>(row.data) };
    } else {
      tail.push(toRecorded(row));
    }
  }
  return { snapshot, tail };
}

/**
 * The latest snapshot of a shape in [$5, $2] (older shapes the caller can upcast; at or below a
 * version) and the stream's events after it, in one prepared round trip: the path every command takes before it decides. Rows come back in version
 * order; the snapshot, when there is one, is the first row (its version is below every tail event).
 */
export const LOAD_LATEST = `
  with snap as (
    select version, state, shape_version from snapshots
    where stream_id = $1 and shape_version between $5::int and $2::int and version > $4::bigint
      and version <= coalesce($3::bigint, 9223372036854775807)
    order by version desc limit 1
  )
  select true as "isSnapshot", null::uuid as id, null::text as "streamId", version, null::bigint as position,
         null::text as type, shape_version as "schemaVersion", state as data, null::jsonb as metadata,
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
