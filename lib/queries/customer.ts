import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { customerList } from "@/db/schema";
import { loadCustomer } from "@/lib/commands/customer";
import { customerStreamId } from "@/lib/domain/customer/events";
import { isUuid } from "@/lib/domain/customer/ids";
import type { RegisteredCustomer } from "@/lib/domain/customer/state";
import type { EventStore, RecordedEvent } from "@/lib/eventstore";
import { toListItem, type CustomerListItem } from "./customers";

/** One row of the customer list read table, or null. */
export async function getCustomerRow(db: Db, id: string): Promise<CustomerListItem | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(customerList).where(eq(customerList.id, id.toLowerCase()));
  return row ? toListItem(row) : null;
}

export interface CustomerDetail {
  customer: RegisteredCustomer;
  /** The event that produced the current version. */
  lastEvent: RecordedEvent | null;
}

/**
 * The customer as the write side knows it (snapshot + tail): exact to the version, so an edit
 * form loaded from it carries the right expected version even while projections catch up.
 */
export async function getCustomerDetail(store: EventStore, id: string): Promise<CustomerDetail | null> {
  if (!isUuid(id)) return null;
  const { state } = await loadCustomer(store, id.toLowerCase());
  if (state.status === "unregistered") return null;
  const [lastEvent] = await store.readStream(customerStreamId(state.id), { fromVersion: state.version, toVersion: state.version });
  return { customer: state, lastEvent: lastEvent ?? null };
}
