import { rawQuery, type Db } from "@/db/client";
import { newDataKey, unwrapKey, wrapKey } from "./cipher";

/*
 * The data_keys table: one AES-256 key per stream, stored wrapped by the master key. Deleting a
 * stream's row is its erasure (crypto-shredding).
 */

/** The wrapped keys of these streams (absent: never had one, or erased). */
export async function wrappedKeysOf(db: Db, streamIds: readonly string[]): Promise<Map<string, string>> {
  if (streamIds.length === 0) return new Map();
  const rows = await rawQuery<{ streamId: string; wrapped: string }>(
    db,
    `select stream_id as "streamId", wrapped from data_keys where stream_id in (select jsonb_array_elements_text($1::text::jsonb))`,
    [JSON.stringify(streamIds)],
  );
  return new Map(rows.map((row) => [row.streamId, row.wrapped]));
}

/**
 * The stream's key, created (wrapped by `master`) only for a stream with no events yet. An
 * existing stream without a key was erased (or written before encryption): its key must never
 * come back, or a stale writer (a process deciding on a cached, pre-erasure state, whose append
 * then fails its version check) would leave a new key under which the old ciphertext no longer
 * opens. Null then.
 */
export async function ensureDataKey(db: Db, master: Buffer, streamId: string): Promise<Buffer | null> {
  const candidate = wrapKey(master, streamId, newDataKey());
  const [row] = await rawQuery<{ wrapped: string }>(
    db,
    `with ins as (
       insert into data_keys (stream_id, wrapped)
       select $1, $2 where not exists (select 1 from events where stream_id = $1)
       on conflict (stream_id) do nothing returning wrapped)
     select wrapped from ins union all select wrapped from data_keys where stream_id = $1 limit 1`,
    [streamId, candidate],
  );
  if (row) return unwrapKey(master, streamId, row.wrapped);
  // A concurrent first append to this new stream may have inserted the key after this
  // statement's snapshot was taken (its insert waited on ours, then did nothing): look again.
  const [late] = await rawQuery<{ wrapped: string }>(db, `select wrapped from data_keys where stream_id = $1`, [streamId]);
  return late ? unwrapKey(master, streamId, late.wrapped) : null;
}

/** Erasure: the stream's key is gone, and with it every ciphertext made with it. */
export async function deleteDataKey(db: Db, streamId: string): Promise<boolean> {
  const rows = await rawQuery<{ streamId: string }>(db, `delete from data_keys where stream_id = $1 returning stream_id as "streamId"`, [streamId]);
  return rows.length > 0;
}

/** Whether the stream has a data key now. */
export async function hasDataKey(db: Db, streamId: string): Promise<boolean> {
  return (await wrappedKeysOf(db, [streamId])).has(streamId);
}

/**
 * Re-wrap every data key from `oldMaster` to `newMaster`, in one transaction (all or nothing).
 * Events and snapshots are untouched: only the wrapping changes. Returns how many were re-wrapped.
 */
export async function rewrapAll(db: Db, oldMaster: Buffer, newMaster: Buffer): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await rawQuery<{ streamId: string; wrapped: string }>(
      tx as unknown as Db,
      `select stream_id as "streamId", wrapped from data_keys order by stream_id for update`,
      [],
    );
    const rewrapped = rows.map((row) => ({
      streamId: row.streamId,
      wrapped: wrapKey(newMaster, row.streamId, unwrapKey(oldMaster, row.streamId, row.wrapped)),
    }));
    for (let i = 0; i < rewrapped.length; i += 1000) {
      await rawQuery(
        tx as unknown as Db,
        `update data_keys k set wrapped = r.wrapped
         from jsonb_to_recordset($1::text::jsonb) as r(stream_id text, wrapped text) where k.stream_id = r.stream_id`,
        [JSON.stringify(rewrapped.slice(i, i + 1000).map((r) => ({ stream_id: r.streamId, wrapped: r.wrapped })))],
      );
    }
    return rewrapped.length;
  });
}
