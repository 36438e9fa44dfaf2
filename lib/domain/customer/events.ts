import { z } from "zod";
import { addressSchema, nameSchema, reasonSchema, type Address } from "./schema";

/*
 * NOTE: events are storage contracts. Every event ever appended stays in the log in the shape
 * it was written with. Renaming an event type or a field, or changing what a field means, is a
 * migration (a new schema version plus an upcaster in the registry), never a refactor.
 */

export type CustomerRegistered = { type: "CustomerRegistered"; data: { name: string; address: Address } };
export type CustomerRenamed = { type: "CustomerRenamed"; data: { newName: string; oldName: string } };
export type CustomerAddressUpdated = {
  type: "CustomerAddressUpdated";
  data: { newAddress: Address; oldAddress: Address };
};
export type CustomerArchived = { type: "CustomerArchived"; data: { reason?: string } };

export type CustomerEvent = CustomerRegistered | CustomerRenamed | CustomerAddressUpdated | CustomerArchived;
export type CustomerEventType = CustomerEvent["type"];

export const customerEventTypes = [
  "CustomerRegistered",
  "CustomerRenamed",
  "CustomerAddressUpdated",
  "CustomerArchived",
] as const satisfies readonly CustomerEventType[];

/** The schema each event's data must satisfy to be appended, with its schema version. */
export const customerEventSchemas = {
  CustomerRegistered: { schemaVersion: 1, schema: z.object({ name: nameSchema, address: addressSchema }).strict() },
  CustomerRenamed: { schemaVersion: 1, schema: z.object({ newName: nameSchema, oldName: nameSchema }).strict() },
  CustomerAddressUpdated: {
    schemaVersion: 1,
    schema: z.object({ newAddress: addressSchema, oldAddress: addressSchema }).strict(),
  },
  CustomerArchived: { schemaVersion: 1, schema: z.object({ reason: reasonSchema }).strict() },
} satisfies Record<CustomerEventType, { schemaVersion: number; schema: z.ZodType }>;

/** An event as recorded for one stream: the fields `evolve` needs from the envelope. */
export type CustomerEventEnvelope = CustomerEvent & {
  streamId: string;
  version: number;
  timestamp: string;
};

export const CUSTOMER_STREAM_TYPE = "Customer";

/** The one place a customer's stream id is built. */
export const customerStreamId = (id: string) => `${CUSTOMER_STREAM_TYPE}-${id}`;

/** The customer id of a stream id, or null when it is not a customer stream. */
export function customerIdOf(streamId: string): string | null {
  const prefix = `${CUSTOMER_STREAM_TYPE}-`;
  return streamId.startsWith(prefix) ? streamId.slice(prefix.length) : null;
}
