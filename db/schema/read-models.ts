import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/**
 * The columns of a customer as the list shows it, shared by customer_list (the current version)
 * and customer_history (every version): one definition, so the two cannot drift apart. A function,
 * because Drizzle's column builders belong to one table each.
 */
const customerColumns = () => ({
  streamId: text("stream_id").notNull(),
  name: text("name").notNull(),
  street: text("street").notNull(),
  city: text("city").notNull(),
  /** lower(city): the key for case-insensitive filtering. */
  cityKey: text("city_key").notNull(),
  region: text("region"),
  postalCode: text("postal_code"),
  country: text("country"),
  email: text("email"),
  phone: text("phone"),
  /** Personal data erased (CustomerErased): the personal columns hold the erased marker or null. */
  erased: boolean("erased").notNull().default(false),
  status: text("status", { enum: ["active", "archived"] }).notNull(),
  /** The stream version the row reflects. */
  version: bigint("version", { mode: "number" }).notNull(),
  registeredAt: timestamp("registered_at", { withTimezone: true }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
});

/** Customer list read model: one row per customer, as of `version` of its stream. */
export const customerList = pgTable(
  "customer_list",
  {
    id: uuid("id").primaryKey(),
    ...customerColumns(),
  },
  (t) => [
    index("customer_list_name_idx").on(t.name, t.id),
    index("customer_list_city_name_idx").on(t.cityKey, t.name, t.id),
    index("customer_list_status_name_idx").on(t.status, t.name, t.id),
    // The list sorted by "updated" (either way: an index scans backwards as well).
    index("customer_list_updated_idx").on(t.updatedAt, t.id),
  ],
);

/** Full-text search read model over name and address. */
export const customerSearch = pgTable(
  "customer_search",
  {
    id: uuid("id").primaryKey(),
    streamId: text("stream_id").notNull(),
    document: tsvector("document").notNull(),
    version: bigint("version", { mode: "number" }).notNull(),
    /** The indexed text, kept so that a rename can rebuild the document without the address. */
    name: text("name").notNull().default(""),
    address: text("address").notNull().default(""),
    /** Email and phone as one line of text (searchable like the address). */
    contact: text("contact").notNull().default(""),
  },
  (t) => [
    index("customer_search_document_idx").using("gin", t.document),
    // The list's search: name order for paging, trigrams for ILIKE (migration 0005; the trigram
    // index only where the pg_trgm extension is available).
    index("customer_search_name_idx").on(t.name, t.id),
    index("customer_search_name_trgm_idx").using("gin", t.name.op("gin_trgm_ops")),
  ],
);

/** Per-city totals of active and archived customers. */
export const cityTotals = pgTable("city_totals", {
  cityKey: text("city_key").primaryKey(),
  city: text("city").notNull(),
  active: integer("active").notNull().default(0),
  archived: integer("archived").notNull().default(0),
});

/**
 * The city totals projector's own memory: each customer's current city and status, so that a
 * move or an archive knows which counts to change, and a duplicate delivery (version not above
 * the row's) changes nothing.
 */
export const cityTotalsCustomers = pgTable("city_totals_customers", {
  id: uuid("id").primaryKey(),
  streamId: text("stream_id").notNull(),
  city: text("city").notNull(),
  status: text("status", { enum: ["active", "archived"] }).notNull(),
  version: bigint("version", { mode: "number" }).notNull(),
});

export type CustomerListRow = typeof customerList.$inferSelect;
export type CityTotalsRow = typeof cityTotals.$inferSelect;

const tstzrange = customType<{ data: string }>({ dataType: () => "tstzrange" });

/**
 * The register over time (customer_history projection): one row per version of each customer,
 * with the list's columns as they were at that version and `valid`, the time range in which that
 * version was the current one: `[its event's time, the next version's time)`, open-ended for the
 * current version. "The register as of T" is `where valid @> T` (GiST index), at most one row per
 * customer. An erased customer's personal columns are erased in every row, as in customer_list.
 */
export const customerHistory = pgTable(
  "customer_history",
  {
    id: uuid("id").notNull(),
    ...customerColumns(),
    valid: tstzrange("valid").notNull(),
    /** Email and phone as one line, as customer_search keeps them (empty once erased). */
    contact: text("contact")
      .notNull()
      .generatedAlwaysAs(sql`case when erased then '' else coalesce(email, '') || ' ' || coalesce(phone, '') end`),
    /** customer_search's document, over this version's values. */
    document: tsvector("document")
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('simple'::regconfig, name), 'A') || setweight(to_tsvector('simple'::regconfig, case when erased then '' else street || ' ' || city || ' ' || coalesce(region, '') || ' ' || coalesce(postal_code, '') || ' ' || coalesce(country, '') end), 'B') || setweight(to_tsvector('simple'::regconfig, case when erased then '' else coalesce(email, '') || ' ' || coalesce(phone, '') end), 'B')`,
      ),
  },
  (t) => [
    primaryKey({ columns: [t.id, t.version] }),
    index("customer_history_valid_idx").using("gist", t.valid),
    index("customer_history_name_idx").on(t.name, t.id),
    index("customer_history_city_name_idx").on(t.cityKey, t.name, t.id),
  ],
);

export type CustomerHistoryRow = typeof customerHistory.$inferSelect;

/**
 * Events per UTC day and type (activity_by_day projection): the dashboard's activity chart reads a
 * window of days here instead of scanning the log. `last_position`: the last event counted, the
 * guard that makes a duplicate delivery count nothing (lib/projections/activity-by-day.ts).
 */
export const activityByDay = pgTable(
  "activity_by_day",
  {
    day: date("day", { mode: "string" }).notNull(),
    type: text("type").notNull(),
    events: bigint("events", { mode: "number" }).notNull(),
    lastPosition: bigint("last_position", { mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.type] })],
);
