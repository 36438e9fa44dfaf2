import { customerEventSchemas } from "@/lib/domain/customer/events";
import type { EventRegistry } from "./types";

/** Every event type this application may append, with the schema its data must satisfy. */
export const eventRegistry: EventRegistry = { ...customerEventSchemas };
