import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";

/**
 * Rebuilds write into shadow tables beside the live ones and swap them in by renaming, in one
 * transaction. Names: `<table>__rebuild` for the table, `<index>__rb` for its indexes and
 * constraints until the swap gives them back their live names (so the schema after a rebuild is
 * exactly the migrated one, and later migrations find the indexes they expect).
 *
 * A shadow starts with its keys only (primary key, unique and exclusion constraints, unique
 * indexes: the projection's writes rely on them); its other indexes are built in one go once it has caught up
 * (indexShadowTable), which costs a fraction of maintaining them row by row through the whole log.
 */
export const SHADOW_SUFFIX = "__rebuild";
export const shadowTableOf = (table: string) => `${table}${SHADOW_SUFFIX}`;
export const shadowCheckpointOf = (projection: string) => `${projection}${SHADOW_SUFFIX}`;
const TEMP_INDEX_SUFFIX = "__rb";

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** (Re)create the empty shadow of `table`: same columns, defaults, checks and keys; indexes later. */
export async function createShadowTable(tx: Db, table: string): Promise<void> {
  const shadow = shadowTableOf(table);
  await tx.execute(sql.raw(`drop table if exists ${ident(shadow)}`));
  // Everything but indexes: keys are added below, under names we can rename back at the swap.
  await tx.execute(
    sql.raw(
      `create table ${ident(shadow)} (like ${ident(table)} including defaults including constraints ` +
        `including generated including identity including storage including comments)`,
    ),
  );
  const constraints = await query<{ name: string; def: string }>(
    tx,
    sql`select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
        where conrelid = ${table}::regclass and contype in ('p', 'u', 'x') order by conname`,
  );
  for (const c of constraints) {
    await tx.execute(sql.raw(`alter table ${ident(shadow)} add constraint ${ident(c.name + TEMP_INDEX_SUFFIX)} ${c.def}`));
  }
  // Unique indexes are keys too (an `on conflict` may name their columns): now, not later.
  await indexShadowTable(tx, table, { uniqueOnly: true });
}

/**
 * The statements that would give the shadow of `table` the live table's other indexes (those no
 * constraint owns), under their temporary names; the ones it already has are left out, so this is
 * empty once done. Each stands alone: they may run in any order, on any connection.
 */
export async function missingShadowIndexes(tx: Db, table: string, options: { uniqueOnly?: boolean } = {}): Promise<string[]> {
  const shadow = shadowTableOf(table);
  const missing = await query<{ name: string; def: string }>(
    tx,
    sql`select ic.relname as name, pg_get_indexdef(i.indexrelid) as def
        from pg_index i join pg_class ic on ic.oid = i.indexrelid
        where i.indrelid = ${table}::regclass
          and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)
          and (i.indisunique or not ${options.uniqueOnly ?? false})
          and not exists (select 1 from pg_class s where s.relname = ic.relname || ${TEMP_INDEX_SUFFIX}
                            and s.relnamespace = ic.relnamespace)
        order by ic.relname`,
  );
  return missing.map((index) => {
    const match = /^(CREATE (?:UNIQUE )?INDEX )(\S+)( ON (?:ONLY )?)(\S+)( .*)$/s.exec(index.def);
    if (!match) throw new Error(`Cannot copy index definition: ${index.def}`);
    return `${match[1]}${ident(index.name + TEMP_INDEX_SUFFIX)}${match[3]}${ident(shadow)}${match[5]}`;
  });
}

/**
 * Give the shadow of `table` the indexes it lacks (missingShadowIndexes), one after the other in
 * `tx`. Returns how many it built. Run with the shadow's checkpoint lock held (no batch writes it).
 */
export async function indexShadowTable(tx: Db, table: string, options: { uniqueOnly?: boolean } = {}): Promise<number> {
  const statements = await missingShadowIndexes(tx, table, options);
  for (const statement of statements) await tx.execute(sql.raw(statement));
  return statements.length;
}

/**
 * Replace `table` by its shadow: drop the live table, rename the shadow and its indexes to the
 * live names. Run inside the transaction that also moves the checkpoint; readers that arrive
 * meanwhile wait for the commit and then read the new table (PostgreSQL re-resolves the name
 * after the lock wait), so nobody sees an empty or half-built table.
 */
export async function swapInShadowTable(tx: Db, table: string): Promise<void> {
  const shadow = shadowTableOf(table);
  // Normally done already (the runner indexes a caught-up shadow before it swaps); never swap in a
  // table without its indexes.
  await indexShadowTable(tx, table);
  await tx.execute(sql.raw(`drop table ${ident(table)}`));
  await tx.execute(sql.raw(`alter table ${ident(shadow)} rename to ${ident(table)}`));
  const constraints = await query<{ name: string }>(
    tx,
    sql`select conname as name from pg_constraint where conrelid = ${table}::regclass and right(conname, ${TEMP_INDEX_SUFFIX.length}) = ${TEMP_INDEX_SUFFIX}`,
  );
  for (const c of constraints) {
    const live = c.name.slice(0, -TEMP_INDEX_SUFFIX.length);
    await tx.execute(sql.raw(`alter table ${ident(table)} rename constraint ${ident(c.name)} to ${ident(live)}`));
  }
  const indexes = await query<{ name: string }>(
    tx,
    sql`select ic.relname as name from pg_index i join pg_class ic on ic.oid = i.indexrelid
        where i.indrelid = ${table}::regclass and right(ic.relname, ${TEMP_INDEX_SUFFIX.length}) = ${TEMP_INDEX_SUFFIX}`,
  );
  for (const index of indexes) {
    const live = index.name.slice(0, -TEMP_INDEX_SUFFIX.length);
    await tx.execute(sql.raw(`alter index ${ident(index.name)} rename to ${ident(live)}`));
  }
}

export async function dropShadowTable(tx: Db, table: string): Promise<void> {
  await tx.execute(sql.raw(`drop table if exists ${ident(shadowTableOf(table))}`));
}
