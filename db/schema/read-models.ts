import {
  bigint,
  customType,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

/** Customer list read model: one row per customer, as of `version` of its stream. */
export const customerList = pgTable(
  "customer_list",
  {
    id: uuid("id").primaryKey(),
    streamId: text("stream_id").notNull(),
    name: text("name").notNull(),
    street: text("street").notNull(),
    city: text("city").notNull(),
    /** lower(city): the key for case-insensitive filtering. */
    cityKey: text("city_key").notNull(),
    region: text("region"),
    postalCode: text("postal_code"),
    country: text("country"),
    status: text("status", { enum: ["active", "archived"] }).notNull(),
    version: bigint("version", { mode: "number" }).notNull(),
    registeredAt: timestamp("registered_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [
    index("customer_list_name_idx").on(t.name, t.id),
    index("customer_list_city_name_idx").on(t.cityKey, t.name, t.id),
    index("customer_list_status_name_idx").on(t.status, t.name, t.id),
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
