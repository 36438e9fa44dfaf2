import { rawQuery, type Db } from "@/db/client";

/**
 * The stream's last version at or before `at` (an ISO instant, millisecond precision like event
 * times: an event stamped 12:00:00.0007 is "at" 12:00:00.000), and its first event's time; version
 * 0 when the stream had no event yet then. One index range read (stream, version) per call.
 */
export async function versionAt(db: Db, streamId: string, at: string): Promise<{ version: number; firstAt: string | null }> {
  const [row] = await rawQuery<{ version: number | string | null; first_at: string | Date | null }>(
    db,
    `select (select max(version) from events where stream_id = $1 and created_at < $2::timestamptz + interval '1 millisecond') as version,
            (select created_at from events where stream_id = $1 and version = 1) as first_at`,
    [streamId, at],
  );
  return { version: Number(row?.version ?? 0), firstAt: row?.first_at ? new Date(row.first_at).toISOString() : null };
}
