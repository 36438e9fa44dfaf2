import type { Db } from "@/db/client";
import { listCustomers, type CustomerListItem, type CustomerListParams } from "./customers";

/**
 * "Export CSV" of a list view (filters, search, asOf): every matching row, not only a page,
 * streamed. The rows are read a page at a time with the list's own keyset cursor (the same query
 * as `GET /api/customers`, so the file's rows are the API's), and each page is written before the
 * next is read: memory stays flat whatever the number of rows.
 */
export const CSV_COLUMNS = [
  "id",
  "name",
  "street",
  "postalCode",
  "city",
  "region",
  "country",
  "email",
  "phone",
  "status",
  "erased",
  "version",
  "registeredAt",
  "updatedAt",
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** A cell's value in a list item. */
function valueOf(item: CustomerListItem, column: CsvColumn): string {
  switch (column) {
    case "street":
    case "postalCode":
    case "region":
    case "country":
      return item.address[column] ?? "";
    case "erased":
      return item.erased ? "true" : "false";
    default: {
      const value = item[column];
      return value === null || value === undefined ? "" : String(value);
    }
  }
}

/**
 * One CSV field (RFC 4180: quoted when it holds a comma, quote or line break). A text that a
 * spreadsheet would run as a formula (`=`, `@`, `+`/`-` not followed by digits only, tab, CR) gets
 * a leading `'` (OWASP "CSV injection"); a phone number like `+4791234567` stays as it is.
 */
export function csvField(text: string): string {
  const risky = /^[=@\t\r]/.test(text) || (/^[+-]/.test(text) && !/^[+-]\d+$/.test(text));
  const safe = risky ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvLine = (cells: readonly string[]) => `${cells.map(csvField).join(",")}\r\n`;

/** The view as a CSV stream: a header line, then every matching row in the list's order. */
export function customersCsv(db: Db, params: Omit<CustomerListParams, "cursor" | "limit">, options: { pageSize?: number } = {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const pageSize = options.pageSize ?? 500;
  let cursor: string | undefined;
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(csvLine(CSV_COLUMNS)));
        return;
      }
      const page = await listCustomers(db, { ...params, limit: pageSize, cursor });
      const text = page.items.map((item) => csvLine(CSV_COLUMNS.map((c) => valueOf(item, c)))).join("");
      if (text) controller.enqueue(encoder.encode(text));
      if (page.nextCursor) cursor = page.nextCursor;
      else controller.close();
    },
  });
}
