import type { Db } from "@/db/client";
import { customerEventSchemas, ERASED } from "@/lib/domain/customer/events";
import { createEventStore, PersonalData, type EventRegistry, type EventStore } from "@/lib/eventstore";

/**
 * Every event type this application may append: the schema its data must satisfy, its current
 * schema version with the upcasters from older ones, and its personal fields.
 */
export const eventRegistry: EventRegistry = { ...customerEventSchemas };

/**
 * The application's store: the registry above, personal fields encrypted with per-customer keys
 * wrapped by `master` (lib/eventstore/crypto), ERASED shown once a key is deleted.
 */
export function ledgerStore(db: Db, master: Buffer): EventStore {
  return createEventStore(db, eventRegistry, { personal: new PersonalData({ master, erased: ERASED }) });
}
