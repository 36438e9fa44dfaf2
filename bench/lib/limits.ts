import type { BenchContext } from "./context";
import { eventShapedRow, type Rng } from "./data";

/**
 * The baselines ("limits"): the same database work done with the thinnest code there is, raw
 * SQL through the driver, so that every figure of ours can be read as a fraction of what this
 * database does on this machine in the same minute.
 *
 * The scratch table has the columns and indexes of `events` and nothing else: no streams row to
 * compare-and-set, no idempotency record, no function call, no NOTIFY.
 */
export const LIMIT_TABLE = "bench_limit_events";

export async function createLimitTable(ctx: BenchContext): Promise<void> {
  for (const statement of [
    `create table if not exists ${LIMIT_TABLE} (
       position bigserial primary key,
       transaction_id xid8 not null default pg_current_xact_id(),
       id uuid not null,
       stream_id text not null,
       version bigint not null,
       type text not null,
       schema_version integer not null default 1,
       data jsonb not null,
       metadata jsonb not null,
       created_at timestamptz not null default now())`,
    `create unique index if not exists ${LIMIT_TABLE}_stream_version_uq on ${LIMIT_TABLE} (stream_id, version)`,
    `create unique index if not exists ${LIMIT_TABLE}_id_uq on ${LIMIT_TABLE} (id)`,
    `create index if not exists ${LIMIT_TABLE}_tx_position_idx on ${LIMIT_TABLE} (transaction_id, position)`,
    `create index if not exists ${LIMIT_TABLE}_type_position_idx on ${LIMIT_TABLE} (type, position)`,
    `create index if not exists ${LIMIT_TABLE}_actor_position_idx on ${LIMIT_TABLE} ((metadata ->> 'actor'), position)`,
  ]) {
    await ctx.raw.query(statement);
  }
}

const INSERT_ONE = `insert into ${LIMIT_TABLE} (id, stream_id, version, type, data, metadata)
  values ($1, $2, 1, $3, $4::text::jsonb, $5::text::jsonb)`;

/** Limit of append-one: one prepared INSERT of one event-shaped row, its own transaction. */
export async function limitInsertOne(ctx: BenchContext, r: Rng): Promise<number> {
  const row = eventShapedRow(r);
  await ctx.raw.query(INSERT_ONE, [row.id, row.streamId, row.type, JSON.stringify(row.data), JSON.stringify(row.metadata)]);
  return 1;
}

const insertManyText = (n: number) => {
  const values = Array.from({ length: n }, (_, i) => {
    const b = i * 6;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::text::jsonb, $${b + 6}::text::jsonb)`;
  });
  return `insert into ${LIMIT_TABLE} (id, stream_id, version, type, data, metadata) values ${values.join(", ")}`;
};
const insertManyCache = new Map<number, string>();

/** Limit of append-batch: one multi-row INSERT of `n` event-shaped rows of one stream. */
export async function limitInsertMany(ctx: BenchContext, r: Rng, n: number): Promise<number> {
  let text = insertManyCache.get(n);
  if (!text) insertManyCache.set(n, (text = insertManyText(n)));
  const first = eventShapedRow(r);
  const params: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const row = i === 0 ? first : eventShapedRow(r);
    params.push(row.id, first.streamId, i + 1, row.type, JSON.stringify(row.data), JSON.stringify(row.metadata));
  }
  await ctx.raw.query(text, params);
  return n;
}

/**
 * Limit of every sequential read: `select *` of the log in position order, keyset pages of
 * `pageSize`, rows decoded by the driver (jsonb parsed) and nothing else done with them.
 * Returns how many rows it read.
 */
export async function limitReadLog(
  ctx: BenchContext,
  options: { table?: string; pageSize?: number; upTo?: number } = {},
): Promise<number> {
  const { table = "events", pageSize = 1000, upTo = Number.MAX_SAFE_INTEGER } = options;
  let after = 0;
  let read = 0;
  for (;;) {
    const rows = await ctx.raw.query<{ position: number | string }>(
      `select * from ${table} where position > $1 and position <= $2 order by position limit ${pageSize}`,
      [after, upTo],
    );
    read += rows.length;
    if (rows.length < pageSize) return read;
    after = Number(rows[rows.length - 1].position);
  }
}

/** Limit of a stream read: `select *` of one stream in version order. */
export async function limitReadStream(ctx: BenchContext, streamId: string): Promise<number> {
  const rows = await ctx.raw.query(`select * from events where stream_id = $1 order by version`, [streamId]);
  return rows.length;
}
