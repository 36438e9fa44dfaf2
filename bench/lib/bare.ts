import type { BenchContext } from "./context";
import { eventShapedRow, type Rng } from "./data";

/**
 * The bare limit: the least an event store with optimistic concurrency can write. A table with
 * only its primary key and a unique (stream_id, version), and an append that is one
 * `INSERT … SELECT` checking the expected version. No id index, no transaction-id column for
 * followers, no type index, no streams row, no idempotency record. The other limit (limits.ts)
 * keeps our indexes; this one says how far the whole design is from the floor.
 */
export const BARE_TABLE = "bench_bare_events";

export async function createBareTable(ctx: BenchContext): Promise<void> {
  await ctx.raw.query(`create table if not exists ${BARE_TABLE} (
    position bigserial primary key,
    stream_id text not null,
    version bigint not null,
    type text not null,
    data jsonb not null,
    metadata jsonb not null,
    created_at timestamptz not null default now(),
    unique (stream_id, version))`);
}

/**
 * Append the JSON array `events` to `streamId` if it is at `expected` (0: no stream yet), in one
 * statement. A concurrent writer at the same version loses on the unique index.
 */
const APPEND = `insert into ${BARE_TABLE} (stream_id, version, type, data, metadata)
  select $1, $2::bigint + e.n, e.v->>'type', e.v->'data', e.v->'metadata'
  from jsonb_array_elements($3::text::jsonb) with ordinality as e(v, n)
  where coalesce((select max(version) from ${BARE_TABLE} where stream_id = $1), 0) = $2::bigint
  returning position`;

/** One bare stream per worker, with the version its worker last wrote. */
export class BareStreams {
  private readonly versions: number[];
  private readonly ids: string[];

  constructor(private readonly ctx: BenchContext, r: Rng, workers: number) {
    this.ids = Array.from({ length: workers }, () => eventShapedRow(r).streamId);
    this.versions = new Array(workers).fill(0);
  }

  /** Limit of append-one: one event-shaped row appended to the worker's stream. */
  async appendOne(r: Rng, worker: number): Promise<number> {
    const row = eventShapedRow(r);
    const expected = this.versions[worker];
    const rows = await this.ctx.raw.query(APPEND, [this.ids[worker], expected, JSON.stringify([row])]);
    if (rows.length !== 1) throw new Error(`bare append to ${this.ids[worker]} at v${expected} wrote ${rows.length} rows`);
    this.versions[worker] = expected + 1;
    return 1;
  }

  /** Rows written so far, for the data-set check. */
  written(): number {
    return this.versions.reduce((a, b) => a + b, 0);
  }
}

/** Limit of append-batch: `n` event-shaped rows appended to a new stream in one statement. */
export async function bareAppendMany(ctx: BenchContext, r: Rng, n: number): Promise<number> {
  const first = eventShapedRow(r);
  const rows = [first, ...Array.from({ length: n - 1 }, () => eventShapedRow(r))];
  const written = await ctx.raw.query(APPEND, [first.streamId, 0, JSON.stringify(rows)]);
  if (written.length !== n) throw new Error(`bare batch append to ${first.streamId} wrote ${written.length} of ${n} rows`);
  return n;
}
