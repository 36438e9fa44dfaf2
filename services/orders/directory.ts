import { sql } from "drizzle-orm";
import { z } from "zod";
import { query, type Db } from "@/db/client";
import { deleteDataKey } from "@/lib/eventstore";
import type { PublishedEvent } from "@/lib/publisher/message";
import type { Orderer } from "./order";

/**
 * The orders service's directory of customers: a projection, in its own database, of the ledger's
 * `ledger.Customer.*` events as published (it never reads the ledger's tables). One row per
 * customer: status and the current shipping address. An erased customer's personal fields are
 * forgotten (set to null), and the keys of their orders' personal data are deleted, so the orders'
 * own copies of the address read ERASED from then on, on every read and every later publication.
 */
export const DIRECTORY_SCHEMA = [
  `create table if not exists orders_customer_directory (
    customer_id text primary key,
    version integer not null,
    status text not null,
    name text,
    street text,
    city text,
    postal_code text,
    country text,
    updated_at timestamptz not null default now()
  )`,
];

const address = z.object({ street: z.string(), city: z.string(), postalCode: z.string().nullish(), country: z.string().nullish() });
const contracts = {
  CustomerRegistered: z.object({ name: z.string(), address }),
  CustomerRenamed: z.object({ newName: z.string() }),
  CustomerAddressUpdated: z.object({ newAddress: address }),
} as const;

export type DirectoryRow = { customer_id: string; version: number; status: string; name: string | null; street: string | null; city: string | null; postal_code: string | null; country: string | null };

export const customerIdOfStream = (streamId: string) => streamId.replace(/^Customer-/, "");

/** Apply one published customer event. Events at or below the row's version change nothing. */
export async function applyToDirectory(tx: Db, event: PublishedEvent, log: Pick<Console, "warn"> = console): Promise<void> {
  const id = customerIdOfStream(event.streamId);
  const [row] = await query<{ version: number }>(tx, sql`select version from orders_customer_directory where customer_id = ${id}`);
  if (row && event.version <= row.version) return;
  const at = { id, version: event.version };
  switch (event.type) {
    case "CustomerRegistered": {
      const data = contracts.CustomerRegistered.safeParse(event.data);
      if (!data.success) return log.warn(`[directory] unreadable ${event.type} ${event.id}: skipped`);
      const a = data.data.address;
      await tx.execute(sql`insert into orders_customer_directory (customer_id, version, status, name, street, city, postal_code, country)
        values (${id}, ${at.version}, 'active', ${data.data.name}, ${a.street}, ${a.city}, ${a.postalCode ?? null}, ${a.country ?? null})
        on conflict (customer_id) do nothing`);
      return;
    }
    case "CustomerRenamed": {
      const data = contracts.CustomerRenamed.safeParse(event.data);
      if (!data.success) return log.warn(`[directory] unreadable ${event.type} ${event.id}: skipped`);
      await update(tx, at, sql`name = ${data.data.newName}`);
      return;
    }
    case "CustomerAddressUpdated": {
      const data = contracts.CustomerAddressUpdated.safeParse(event.data);
      if (!data.success) return log.warn(`[directory] unreadable ${event.type} ${event.id}: skipped`);
      const a = data.data.newAddress;
      await update(tx, at, sql`street = ${a.street}, city = ${a.city}, postal_code = ${a.postalCode ?? null}, country = ${a.country ?? null}`);
      return;
    }
    case "CustomerArchived":
      await update(tx, at, sql`status = case when status = 'erased' then status else 'archived' end`);
      return;
    case "CustomerErased": {
      await update(tx, at, sql`status = 'erased', name = null, street = null, postal_code = null`);
      const orders = await query<{ stream_id: string }>(
        tx,
        sql`select distinct stream_id from events where type = 'OrderPlaced' and data->>'customerId' = ${id}`,
      );
      for (const order of orders) await deleteDataKey(tx, order.stream_id);
      return;
    }
    default:
      // Other customer events (contact details) are not the directory's concern; the version moves on.
      await update(tx, at, sql`version = version`);
  }
}

async function update(tx: Db, at: { id: string; version: number }, set: ReturnType<typeof sql>) {
  await tx.execute(sql`update orders_customer_directory set ${set}, version = ${at.version}, updated_at = now() where customer_id = ${at.id}`);
}

/** The customer as an orderer, or null when the directory does not know them. */
export async function findOrderer(db: Db, customerId: string): Promise<Orderer | null> {
  const [row] = await query<DirectoryRow>(db, sql`select * from orders_customer_directory where customer_id = ${customerId}`);
  if (!row) return null;
  return {
    customerId,
    status: row.status === "erased" ? "erased" : row.status === "archived" ? "archived" : "active",
    name: row.name ?? "",
    address: { street: row.street ?? "", city: row.city ?? "", postalCode: row.postal_code, country: row.country },
  };
}

export async function directoryRow(db: Db, customerId: string): Promise<DirectoryRow | null> {
  const [row] = await query<DirectoryRow>(db, sql`select * from orders_customer_directory where customer_id = ${customerId}`);
  return row ?? null;
}
