import { z } from "zod";
import { addressSchema, emailSchema, nameSchema, phoneSchema, reasonSchema, type Address } from "./schema";

/*
 * NOTE: events are storage contracts. Every event ever appended stays in the log in the shape
 * it was written with. Renaming an event type or a field, or changing what a field means, is a
 * migration (a new schema version plus an upcaster in the registry), never a refactor.
 */

/** Schema v2 (v1 had no email and phone: read as null, see customerUpcasters). */
export type CustomerRegistered = {
  type: "CustomerRegistered";
  data: { name: string; address: Address; email: string | null; phone: string | null };
};
export type CustomerRenamed = { type: "CustomerRenamed"; data: { newName: string; oldName: string } };
export type CustomerAddressUpdated = {
  type: "CustomerAddressUpdated";
  data: { newAddress: Address; oldAddress: Address };
};
export type CustomerArchived = { type: "CustomerArchived"; data: { reason?: string } };
export type CustomerContactChanged = {
  type: "CustomerContactChanged";
  data: { newEmail: string | null; oldEmail: string | null; newPhone: string | null; oldPhone: string | null };
};
/** The personal data was shredded (its key deleted). `reason` is the admin's, not personal. */
export type CustomerErased = { type: "CustomerErased"; data: { reason: string } };

export type CustomerEvent =
  | CustomerRegistered
  | CustomerRenamed
  | CustomerAddressUpdated
  | CustomerArchived
  | CustomerContactChanged
  | CustomerErased;
export type CustomerEventType = CustomerEvent["type"];

export const customerEventTypes = [
  "CustomerRegistered",
  "CustomerRenamed",
  "CustomerAddressUpdated",
  "CustomerArchived",
  "CustomerContactChanged",
  "CustomerErased",
] as const satisfies readonly CustomerEventType[];

/** One pure step from schema version n to n+1 of an event's data. */
export type Upcaster = (data: unknown) => unknown;

/** CustomerRegistered v1 → v2: contact details did not exist, so they are unknown (null). */
export const registeredV1ToV2: Upcaster = (data) => ({ email: null, phone: null, ...(data as object) });

/**
 * Each event type's current schema version, the schema its data must satisfy to be appended,
 * its upcasters (`upcasters[n]` turns version n into n+1; one per step, pure) and its personal
 * fields (dot paths, encrypted with the customer's key and shredded by erasure).
 */
export const customerEventSchemas = {
  CustomerRegistered: {
    schemaVersion: 2,
    // Absent email/phone are stored as null (appenders written before v2 still append valid v2 data).
    schema: z
      .object({
        name: nameSchema,
        address: addressSchema,
        email: emailSchema.optional().transform((v) => v ?? null),
        phone: phoneSchema.optional().transform((v) => v ?? null),
      })
      .strict(),
    upcasters: { 1: registeredV1ToV2 } as Record<number, Upcaster>,
    personal: ["name", "address.street", "address.postalCode", "email", "phone"],
  },
  CustomerRenamed: {
    schemaVersion: 1,
    schema: z.object({ newName: nameSchema, oldName: nameSchema }).strict(),
    personal: ["newName", "oldName"],
  },
  CustomerAddressUpdated: {
    schemaVersion: 1,
    schema: z.object({ newAddress: addressSchema, oldAddress: addressSchema }).strict(),
    personal: ["newAddress.street", "newAddress.postalCode", "oldAddress.street", "oldAddress.postalCode"],
  },
  CustomerArchived: { schemaVersion: 1, schema: z.object({ reason: reasonSchema }).strict() },
  CustomerContactChanged: {
    schemaVersion: 1,
    schema: z.object({ newEmail: emailSchema, oldEmail: emailSchema, newPhone: phoneSchema, oldPhone: phoneSchema }).strict(),
    personal: ["newEmail", "oldEmail", "newPhone", "oldPhone"],
  },
  CustomerErased: { schemaVersion: 1, schema: z.object({ reason: z.string().trim().min(1).max(500) }).strict() },
} satisfies Record<
  CustomerEventType,
  { schemaVersion: number; schema: z.ZodType; upcasters?: Record<number, Upcaster>; personal?: string[] }
>;

/** What every reader shows in place of a personal field whose key was deleted (erasure). */
export const ERASED = "[erased]";

/** The personal fields of a customer state (dot paths), encrypted in snapshots like in events. */
export const customerStatePersonal = ["name", "address.street", "address.postalCode", "email", "phone"];

/** An event as recorded for one stream: the fields `evolve` needs from the envelope. */
export type CustomerEventEnvelope = CustomerEvent & {
  streamId: string;
  version: number;
  timestamp: string;
};

export { CUSTOMER_STREAM_TYPE, customerIdOf, customerStreamId } from "./ids";
