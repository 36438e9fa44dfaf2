import { sql, type SQL } from "drizzle-orm";
import { copyField } from "@/db/copy";

/** A keyed table as the row writer (rows.ts) sees it. */
export interface RowTable<Row> {
  /** The live table name, resolved by the runner's TableResolver (live or rebuild shadow). */
  table: string;
  /** The key column, present in `fields`. */
  key: string;
  /** The columns written from each row, and their SQL types. */
  fields: Readonly<Record<string, string>>;
  /**
   * The row's property for a column, where the names differ (`{ stream_id: "streamId" }`): rows
   * are sent as they are (JSON.stringify), with no copy per row.
   */
  properties?: Readonly<Partial<Record<string, keyof Row & string>>>;
  /** Columns computed in SQL from the row (`r."<property>"`), e.g. `{ city_key: "lower(r.city)" }`. */
  computed?: Readonly<Record<string, string>>;
  /**
   * Extra condition on updates, over the stored row `t` and the new one `r`, e.g.
   * `t.version < r.version`, so that a replayed batch never moves a row backwards.
   */
  guard?: string;
}

/**
 * A batch of a RowTable's rows as parameters, and as the relation `r` (one column per field,
 * named by the row's property) that the row writer's statements select from (rows.ts).
 *
 * Rows travel column by column: one JSON array of values per field, turned into typed arrays
 * and `unnest`ed in SQL. The database takes that apart in about half the CPU of one JSON array of
 * row objects through `json_to_recordset` (8,000 customer_list rows: 55 against 105 ms of
 * backend CPU on the bench machine), and `JSON.stringify` of a flat array of values is no dearer
 * than of the objects. Tables with a field of another type (json, arrays) use json_to_recordset.
 */
export type EncodedRows = { kind: "columns"; values: string[] } | { kind: "rows"; json: string };

/**
 * Rows to insert: as COPY's text input where the table allows (every field a plain scalar, no
 * computed column: COPY cannot compute one), else as a relation for `insert … select`.
 */
export type EncodedInserts = EncodedRows | { kind: "copy"; text: string };

/** Field types that travel as a JSON array of scalars and come back with a cast. */
const UNNESTABLE = /^(uuid|text|bigint|integer|int|smallint|boolean|timestamptz|date|numeric|double precision|real)$/i;

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface Layout {
  properties: string[];
  types: string[];
  unnest: boolean;
  /** Inserts may travel as COPY text (plain scalars, nothing computed). */
  copy: boolean;
  /** `"prop" type, …`, for json_to_recordset. */
  recordset: string;
}

const layouts = new WeakMap<object, Layout>();

function layoutOf(spec: RowTable<never>): Layout {
  let layout = layouts.get(spec);
  if (!layout) {
    const columns = Object.keys(spec.fields);
    const properties = columns.map((c) => (spec.properties as Record<string, string | undefined> | undefined)?.[c] ?? c);
    const types = columns.map((c) => spec.fields[c]);
    layout = {
      properties,
      types,
      unnest: types.every((t) => UNNESTABLE.test(t)),
      copy: types.every((t) => UNNESTABLE.test(t)) && !Object.keys(spec.computed ?? {}).length,
      recordset: properties.map((p, i) => `${ident(p)} ${types[i]}`).join(", "),
    };
    layouts.set(spec, layout);
  }
  return layout;
}

/** The rows as parameters for `rowSource` (pure; done ahead of the transaction where it can be). */
export function encodeRows<Row>(spec: RowTable<Row>, rows: readonly Row[]): EncodedRows {
  const layout = layoutOf(spec as RowTable<never>);
  if (!layout.unnest) return { kind: "rows", json: JSON.stringify(rows) };
  const records = rows as readonly Record<string, unknown>[];
  const values = layout.properties.map((property) => {
    const column = new Array<unknown>(records.length);
    for (let i = 0; i < records.length; i++) column[i] = records[i][property];
    return JSON.stringify(column);
  });
  return { kind: "columns", values };
}

/** Rows to insert, encoded for insertRows (rows.ts): COPY text where the table allows. */
export function encodeInserts<Row>(spec: RowTable<Row>, rows: readonly Row[]): EncodedInserts {
  const layout = layoutOf(spec as RowTable<never>);
  if (!layout.copy) return encodeRows(spec, rows);
  const records = rows as readonly Record<string, unknown>[];
  const { properties } = layout;
  const lines = new Array<string>(records.length);
  const fields = new Array<string>(properties.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    for (let j = 0; j < properties.length; j++) fields[j] = copyField(record[properties[j]]);
    lines[i] = fields.join("\t");
  }
  return { kind: "copy", text: lines.length ? `${lines.join("\n")}\n` : "" };
}

/** The columns a COPY of the rows lists, in the order encodeInserts writes their fields. */
export function copyColumns(spec: RowTable<unknown>): string {
  return Object.keys(spec.fields).map(ident).join(", ");
}

/** The encoded rows as the relation `r`, with a column per field named by the row's property. */
export function rowSource<Row>(spec: RowTable<Row>, encoded: EncodedRows): SQL {
  const layout = layoutOf(spec as RowTable<never>);
  if (encoded.kind === "rows") return sql`json_to_recordset(${encoded.json}::text::json) as r(${sql.raw(layout.recordset)})`;
  const arrays = encoded.values.map(
    (value, i) => sql`array(select json_array_elements_text(${value}::text::json))::${sql.raw(layout.types[i])}[]`,
  );
  return sql`unnest(${sql.join(arrays, sql`, `)}) as r(${sql.raw(layout.properties.map(ident).join(", "))})`;
}
