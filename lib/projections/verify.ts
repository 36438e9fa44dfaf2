import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import { compareCursors, readAll, START, type EventCodec, type GlobalCursor, type RecordedEvent } from "@/lib/eventstore";
import { cursorOf, readCheckpoint } from "./runner/checkpoints";
import { acquireLease } from "./runner/locks";
import type { Projection, TableResolver } from "./types";

/**
 * Drift check: recompute a projection's read tables from the log, up to its checkpoint, into
 * scratch tables (temporary, dropped at commit) with the projection's own `handle`, and compare
 * them with the stored tables row by row (by primary key, every column). Repair rewrites exactly
 * the rows that differ (deletes the stored one, inserts the recomputed one); nothing else is
 * touched. All in one transaction holding the projection's batch lease, so the runner neither
 * moves the tables nor the checkpoint meanwhile (it skips the projection until the commit).
 *
 * Events parked for this projection (unresolved or skipped) are left out of the recomputation:
 * the stored tables never had them either.
 */
export interface VerifyOptions {
  /** Compare only the rows of this many randomly chosen streams (tables without `stream_id` are skipped). */
  sample?: number;
  /** Rewrite the mismatched rows. */
  repair?: boolean;
  /** List at most this many mismatches (all are counted, and all are repaired). */
  listLimit?: number;
}

export interface Mismatch {
  table: string;
  /** Primary key of the row. */
  key: Record<string, unknown>;
  streamId: string | null;
  /** Log position of the stream's last event the row should reflect (up to the checkpoint). */
  position: number | null;
  /** null: the row is missing from the stored table. */
  stored: Record<string, unknown> | null;
  /** null: the row should not exist. */
  recomputed: Record<string, unknown> | null;
}

export interface VerifyReport {
  projection: string;
  /** The checkpoint the tables were compared at. */
  position: number;
  events: number;
  /** Rows compared per table (stored or recomputed); a skipped table says why. */
  tables: { table: string; compared: number; skipped?: string }[];
  sampledStreams: number | null;
  mismatchCount: number;
  mismatches: Mismatch[];
  repaired: number;
  durationMs: number;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const scratchOf = (table: string) => `verify__${table}`;
const PAGE = 5000;
const eventCursor = (event: RecordedEvent): GlobalCursor => ({ transactionId: event.transactionId, position: event.position });

export async function verifyProjection(db: Db, codec: EventCodec, projection: Projection, options: VerifyOptions = {}): Promise<VerifyReport> {
  const started = performance.now();
  return db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    await acquireLease(tx, projection.name);
    const checkpoint = await readCheckpoint(tx, projection.name);
    const until: GlobalCursor = checkpoint ? cursorOf(checkpoint) : START;
    for (const table of projection.tables) {
      await tx.execute(sql.raw(`create temp table ${ident(scratchOf(table))} (like ${ident(table)} including all) on commit drop`));
    }
    const scratch: TableResolver = (table) => sql.raw(ident(scratchOf(table)));
    const streams = options.sample ? await sampleStreams(tx, projection, options.sample) : null;
    const { events, lastPosition } = await recompute(tx, codec, projection, until, streams, scratch);

    const report: VerifyReport = {
      projection: projection.name,
      position: Number(checkpoint?.position ?? 0),
      events,
      tables: [],
      sampledStreams: streams ? streams.length : null,
      mismatchCount: 0,
      mismatches: [],
      repaired: 0,
      durationMs: 0,
    };
    const limit = options.listLimit ?? 200;
    for (const table of projection.tables) {
      const columns = await columnsOf(tx, table);
      if (streams && !columns.all.includes("stream_id")) {
        report.tables.push({ table, compared: 0, skipped: "no stream_id column: not sampled (verify without --sample)" });
        continue;
      }
      const diff = await compareTable(tx, table, columns, streams);
      report.tables.push({ table, compared: diff.compared });
      report.mismatchCount += diff.rows.length;
      for (const row of diff.rows.slice(0, Math.max(0, limit - report.mismatches.length))) {
        const streamId = String(row.stored?.stream_id ?? row.recomputed?.stream_id ?? "") || null;
        report.mismatches.push({ table, ...row, streamId, position: streamId ? (lastPosition.get(streamId) ?? null) : null });
      }
      if (options.repair && diff.rows.length) report.repaired += await repairRows(tx, table, columns, diff.rows.map((r) => r.key));
    }
    report.durationMs = Math.round(performance.now() - started);
    return report;
  });
}

/** Feed the log up to `until` (this projection's events, not parked) to `handle`, writing the scratch tables. */
async function recompute(
  tx: Db,
  codec: EventCodec,
  projection: Projection,
  until: GlobalCursor,
  streams: readonly string[] | null,
  scratch: TableResolver,
) {
  const parked = new Set(
    (
      await query<{ position: number | string }>(
        tx,
        sql`select position from parked_events where checkpoint = ${projection.name} and (resolved_at is null or resolution = 'skipped')`,
      )
    ).map((r) => Number(r.position)),
  );
  const wanted = streams ? new Set(streams) : null;
  const lastPosition = new Map<string, number>();
  let after: GlobalCursor = START;
  let count = 0;
  while (compareCursors(after, until) < 0) {
    const page = await readAll(tx, { after, limit: PAGE });
    if (!page.events.length) break;
    const due: RecordedEvent[] = [];
    let done = false;
    for (const event of page.events) {
      if (compareCursors(eventCursor(event), until) > 0) {
        done = true;
        break;
      }
      after = eventCursor(event);
      if (wanted && !wanted.has(event.streamId)) continue;
      lastPosition.set(event.streamId, event.position);
      if (projection.canHandle.includes(event.type) && !parked.has(event.position)) due.push(event);
    }
    if (due.length) {
      await projection.handle(tx, await codec.decode(tx, due), scratch);
      count += due.length;
    }
    if (done || page.events.length < PAGE) break;
  }
  return { events: count, lastPosition };
}

/** `n` streams chosen at random among those with a row in the projection's first table that has stream_id. */
async function sampleStreams(tx: Db, projection: Projection, n: number): Promise<string[]> {
  for (const table of projection.tables) {
    if (!(await columnsOf(tx, table)).all.includes("stream_id")) continue;
    const rows = await query<{ stream_id: string }>(
      tx,
      sql.raw(`select stream_id from (select distinct stream_id from ${ident(table)}) s order by random() limit ${Math.trunc(n)}`),
    );
    return rows.map((r) => r.stream_id);
  }
  return [];
}

interface Columns {
  all: string[];
  /** Columns an insert may write (not generated). */
  writable: string[];
  key: string[];
}

async function columnsOf(tx: Db, table: string): Promise<Columns> {
  const rows = await query<{ name: string; generated: string; key: boolean }>(
    tx,
    sql`select a.attname as name, a.attgenerated::text as generated,
               coalesce(a.attnum = any(i.indkey), false) as key
        from pg_attribute a
        left join pg_index i on i.indrelid = a.attrelid and i.indisprimary
        where a.attrelid = ${table}::regclass and a.attnum > 0 and not a.attisdropped
        order by a.attnum`,
  );
  return {
    all: rows.map((r) => r.name),
    writable: rows.filter((r) => !r.generated).map((r) => r.name),
    key: rows.filter((r) => r.key === true || (r.key as unknown) === "t").map((r) => r.name),
  };
}

const keyJson = (columns: Columns, alias: string) => `jsonb_build_object(${columns.key.map((k) => `'${k}', ${alias}.${ident(k)}`).join(", ")})`;

/** Rows whose stored and recomputed versions differ (or exist on one side only). */
async function compareTable(tx: Db, table: string, columns: Columns, streams: readonly string[] | null) {
  const filter = streams ? sql` where t.stream_id in (select value from jsonb_array_elements_text(${JSON.stringify(streams)}::text::jsonb))` : sql``;
  const sides = sql`
    l as (select ${sql.raw(keyJson(columns, "t"))} as k, to_jsonb(t) as r from ${sql.raw(ident(table))} t${filter}),
    s as (select ${sql.raw(keyJson(columns, "t"))} as k, to_jsonb(t) as r from ${sql.raw(ident(scratchOf(table)))} t${filter})`;
  const [count] = await query<{ n: number | string }>(tx, sql`with ${sides} select count(*) as n from l full join s on l.k = s.k`);
  const rows = await query<{ key: unknown; stored: unknown; recomputed: unknown }>(
    tx,
    sql`with ${sides} select coalesce(l.k, s.k) as key, l.r as stored, s.r as recomputed
        from l full join s on l.k = s.k where l.r is distinct from s.r order by 1`,
  );
  const json = (value: unknown) => (value === null || value === undefined ? null : typeof value === "string" ? JSON.parse(value) : value) as Record<string, unknown> | null;
  return { compared: Number(count?.n ?? 0), rows: rows.map((r) => ({ key: json(r.key)!, stored: json(r.stored), recomputed: json(r.recomputed) })) };
}

/** Replace exactly these rows of the stored table by their recomputed versions (or delete them). */
async function repairRows(tx: Db, table: string, columns: Columns, keys: Record<string, unknown>[]): Promise<number> {
  const keyList = sql`(select value from jsonb_array_elements(${JSON.stringify(keys)}::text::jsonb))`;
  const list = sql.raw(columns.writable.map(ident).join(", "));
  const key = sql.raw(keyJson(columns, "t"));
  await tx.execute(sql`delete from ${sql.raw(ident(table))} t where ${key} in ${keyList}`);
  await tx.execute(sql`insert into ${sql.raw(ident(table))} (${list}) select ${list} from ${sql.raw(ident(scratchOf(table)))} t where ${key} in ${keyList}`);
  return keys.length;
}
