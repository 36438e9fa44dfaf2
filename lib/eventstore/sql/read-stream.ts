import { eq, max } from "drizzle-orm";
import { rawQuery, type Db } from "@/db/client";
import { events } from "@/db/schema";
import type { RecordedEvent } from "../types";
import { EVENT_COLUMNS, toRecorded, type EventRow } from "./rows";

/**
 * The events of one stream in version order, optionally within [fromVersion, toVersion]. One
 * prepared raw statement and the feed's row decoding (read-all.ts): Drizzle's per-column mapping
 * and a second copy of every row cost a fifth of a 10,000-event read (bench read-stream).
 */
export async function readStream(
  db: Db,
  streamId: string,
  range: { fromVersion?: number; toVersion?: number } = {},
): Promise<RecordedEvent[]> {
  const rows = await rawQuery<EventRow>(db, READ_STREAM, [streamId, range.fromVersion ?? 1, range.toVersion ?? Number.MAX_SAFE_INTEGER]);
  const events = new Array<RecordedEvent>(rows.length);
  for (let i = 0; i < rows.length; i++) events[i] = toRecorded(rows[i]);
  return events;
}

/** A stream's events with versions in [$2, $3], in version order (the (stream_id, version) index). */
const READ_STREAM = `select ${EVENT_COLUMNS} from events
  where stream_id = $1 and version >= $2::bigint and version <= $3::bigint order by version`;

/**
 * The stream's current version, or 0 when it does not exist: its highest event's version (one
 * backward step in the unique (stream_id, version) index).
 */
export async function streamVersion(db: Db, streamId: string): Promise<number> {
  const [row] = await db.select({ version: max(events.version) }).from(events).where(eq(events.streamId, streamId));
  return row?.version ? Number(row.version) : 0;
}
