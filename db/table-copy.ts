import { sql } from "drizzle-orm";
import { query, type Db } from "./client";

/**
 * Copy tables between two databases of this schema (PGlite → PostgreSQL for
 * `npm run db:export-to-postgres`, or into a fresh PGlite to replay the log), generically: every
 * base table of the `public` schema that the caller does not skip, so tables that later issues add
 * (users, keys, …) come along without a change here.
 *
 * - Rows travel as JSON (`row_to_json` → `json_populate_recordset`), which round-trips every column
 *   type in use (jsonb, tsvector, timestamps, int8) on both drivers.
 * - Tables go parents first (foreign keys), pages in key order.
 * - A column whose default is `pg_current_xact_id()` (the log's `transaction_id`) is not copied:
 *   the source's transaction ids mean nothing on the target, and one above the target's own would
 *   hide the row from followers until the target's counter passed it. Rows are inserted in the
 *   source's (transaction id, key) order, and a new target transaction starts wherever the key
 *   goes down, so the target's (transaction id, key) order is the source's.
 * - Sequences behind serial columns are moved past the copied values.
 */

export interface TableInfo {
  name: string;
  columns: { name: string; type: string; default: string | null }[];
  primaryKey: string[];
  /** Tables this one references. */
  references: string[];
}

export async function listTables(db: Db): Promise<TableInfo[]> {
  const tables = await query<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`,
  );
  const columns = await query<{ table: string; name: string; type: string; default: string | null; generated: string }>(
    db,
    sql`select c.relname as "table", a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
               pg_get_expr(d.adbin, d.adrelid) as "default", a.attgenerated::text as generated
        from pg_attribute a
        join pg_class c on c.oid = a.attrelid
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where a.attnum > 0 and not a.attisdropped and c.relkind = 'r'
        order by c.relname, a.attnum`,
  );
  const keys = await query<{ table: string; name: string; ord: number }>(
    db,
    sql`select c.relname as "table", a.attname as name, k.ord::int as ord
        from pg_constraint con
        join pg_class c on c.oid = con.conrelid
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
        cross join lateral unnest(con.conkey) with ordinality as k(attnum, ord)
        join pg_attribute a on a.attrelid = c.oid and a.attnum = k.attnum
        where con.contype = 'p' order by c.relname, k.ord`,
  );
  const refs = await query<{ table: string; target: string }>(
    db,
    sql`select c.relname as "table", t.relname as target
        from pg_constraint con
        join pg_class c on c.oid = con.conrelid
        join pg_class t on t.oid = con.confrelid
        join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
        where con.contype = 'f'`,
  );
  return tables.map(({ name }) => ({
    name,
    columns: columns.filter((c) => c.table === name && !c.generated).map(({ name, type, default: d }) => ({ name, type, default: d })),
    primaryKey: keys.filter((k) => k.table === name).map((k) => k.name),
    references: [...new Set(refs.filter((r) => r.table === name && r.target !== name).map((r) => r.target))],
  }));
}

/** Parents before children. */
function parentsFirst(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const out: TableInfo[] = [];
  const seen = new Set<string>();
  const visit = (t: TableInfo) => {
    if (seen.has(t.name)) return;
    seen.add(t.name);
    for (const r of t.references) if (byName.has(r)) visit(byName.get(r)!);
    out.push(t);
  };
  tables.forEach(visit);
  return out;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const isXactDefault = (d: string | null) => Boolean(d && /pg_current_xact_id\(\)/.test(d));

export interface CopyOptions {
  /** Tables not to copy (read models, checkpoints: the target rebuilds them). */
  skip: (table: string) => boolean;
  pageSize?: number;
  onTable?: (table: string, rows: number) => void;
}

/** Copy every non-skipped table of `source` into the (empty) same tables of `target`. Returns rows per table. */
export async function copyTables(source: Db, target: Db, options: CopyOptions): Promise<Record<string, number>> {
  const pageSize = options.pageSize ?? 2000;
  const sourceTables = (await listTables(source)).filter((t) => !options.skip(t.name));
  const targetNames = new Set((await listTables(target)).map((t) => t.name));
  const missing = sourceTables.filter((t) => !targetNames.has(t.name)).map((t) => t.name);
  if (missing.length) throw new Error(`the target has no table ${missing.join(", ")}: is it migrated to the same version?`);
  const counts: Record<string, number> = {};
  for (const table of parentsFirst(sourceTables)) {
    const xact = table.columns.find((c) => isXactDefault(c.default));
    const copied = table.columns.filter((c) => c !== xact);
    const order = [...(xact ? [xact.name] : []), ...(table.primaryKey.length ? table.primaryKey : copied.map((c) => c.name))];
    const orderCols = order.map((name) => table.columns.find((c) => c.name === name)!);
    const cols = copied.map((c) => ident(c.name)).join(", ");
    const insert = `insert into ${ident(table.name)} (${cols}) overriding system value
      select ${cols} from json_populate_recordset(null::${ident(table.name)}, $1::text::json)`;
    let last: Record<string, unknown> | undefined;
    let count = 0;
    for (;;) {
      // Keyset paging in `order`; the values of the last row come back as text and are cast.
      const where = last
        ? `where (${orderCols.map((c) => ident(c.name)).join(", ")}) > (${orderCols.map((c) => `'${String(last![c.name]).replace(/'/g, "''")}'::${c.type}`).join(", ")})`
        : "";
      const page = await query<{ row: string; key: Record<string, unknown> }>(
        source,
        sql.raw(
          `select row_to_json(t)::text as row, json_build_object(${orderCols.map((c) => `'${c.name}', t.${ident(c.name)}::text`).join(", ")}) as key
           from ${ident(table.name)} t ${where} order by ${orderCols.map((c) => ident(c.name)).join(", ")} limit ${pageSize}`,
        ),
      );
      if (page.length === 0) break;
      // Split where the primary key goes down (a later transaction that drew a lower position).
      const runs: string[][] = [[]];
      let previous: number | undefined;
      const pk = xact && table.primaryKey.length === 1 ? table.primaryKey[0] : undefined;
      for (const { row, key } of page) {
        const k = typeof key === "string" ? (JSON.parse(key) as Record<string, unknown>) : key;
        const value = pk ? Number(k[pk]) : undefined;
        if (value !== undefined && previous !== undefined && value < previous) runs.push([]);
        previous = value;
        runs[runs.length - 1].push(row);
        last = k;
      }
      for (const run of runs) {
        // One statement per run: each run is its own target transaction, in order.
        await insertRun(target, insert, run);
      }
      count += page.length;
      if (page.length < pageSize) break;
    }
    counts[table.name] = count;
    options.onTable?.(table.name, count);
    // Move serial sequences past the copied values.
    for (const c of table.columns) {
      if (!c.default || !/nextval\(/.test(c.default)) continue;
      await query(
        target,
        sql.raw(
          `select setval(pg_get_serial_sequence('${ident(table.name)}', '${c.name}'),
                  greatest((select max(${ident(c.name)}) from ${ident(table.name)}), 1),
                  (select count(*) > 0 from ${ident(table.name)}))`,
        ),
      );
    }
  }
  return counts;
}

async function insertRun(target: Db, insert: string, rows: string[]) {
  if (rows.length === 0) return;
  const json = `[${rows.join(",")}]`;
  const [before, after] = insert.split("$1");
  await target.execute(sql`${sql.raw(before)}${json}${sql.raw(after)}`);
}

/**
 * A digest of a table's rows (count, and md5 of the sorted JSON rows), for comparing one table
 * on two databases. Timestamps go in as epoch numbers (JSON would spell them in the session's time
 * zone); columns whose default is the transaction id are left out (a copy has new ones).
 */
export async function tableDigest(db: Db, table: string): Promise<{ rows: number; md5: string }> {
  const info = (await listTables(db)).find((t) => t.name === table);
  if (!info) throw new Error(`no table ${table}`);
  const select = info.columns
    .filter((c) => !isXactDefault(c.default))
    .map((c) => (c.type.startsWith("timestamp") ? `extract(epoch from ${ident(c.name)}) as ${ident(c.name)}` : ident(c.name)))
    .join(", ");
  const [row] = await query<{ rows: number | string; md5: string | null }>(
    db,
    sql.raw(
      `select count(*) as rows, md5(coalesce(string_agg(j, E'\\n' order by j), '')) as md5
       from (select row_to_json(t)::text as j from (select ${select} from ${ident(table)}) t) x`,
    ),
  );
  return { rows: Number(row.rows), md5: row.md5 ?? "" };
}
