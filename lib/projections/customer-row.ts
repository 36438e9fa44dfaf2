import { customerIdOf } from "@/lib/domain/customer/events";
import type { RecordedEvent } from "@/lib/eventstore";

/**
 * Pure folds shared by the customer projections: event + current row → next row. They take the
 * event envelope (not the domain's `evolve`) because read rows carry the envelope's version and
 * timestamps, and because a read model must tolerate what the domain would reject.
 */

export interface AddressParts {
  street: string;
  city: string;
  region: string | null;
  postalCode: string | null;
  country: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The customer id of an event's stream, when it is a customer stream with a uuid id. */
export function customerIdOfEvent(event: Pick<RecordedEvent, "streamId">): string | null {
  const id = customerIdOf(event.streamId);
  return id && UUID.test(id) ? id.toLowerCase() : null;
}

const text = (value: unknown): string | null => (typeof value === "string" && value.trim() ? value : null);

/** The address in an event's data, or null when it is not one (then the event is skipped). */
export function addressOf(value: unknown): AddressParts | null {
  if (!value || typeof value !== "object") return null;
  const a = value as Record<string, unknown>;
  const street = text(a.street);
  const city = text(a.city);
  if (!street || !city) return null;
  return { street, city, region: text(a.region), postalCode: text(a.postalCode), country: text(a.country) };
}

/** The address as one line of searchable text. */
export const addressText = (a: AddressParts) =>
  [a.street, a.city, a.region, a.postalCode, a.country].filter(Boolean).join(" ");

/** Data fields of the customer events, read defensively. */
export function nameOf(event: RecordedEvent): string | null {
  const data = (event.data ?? {}) as Record<string, unknown>;
  if (event.type === "CustomerRegistered") return text(data.name);
  if (event.type === "CustomerRenamed") return text(data.newName);
  return null;
}

export function newAddressOf(event: RecordedEvent): AddressParts | null {
  const data = (event.data ?? {}) as Record<string, unknown>;
  if (event.type === "CustomerRegistered") return addressOf(data.address);
  if (event.type === "CustomerAddressUpdated") return addressOf(data.newAddress);
  return null;
}

/** Email and phone after an event that sets them (registration, contact change); null for others. */
export function contactOf(event: RecordedEvent): { email: string | null; phone: string | null } | null {
  const data = (event.data ?? {}) as Record<string, unknown>;
  if (event.type === "CustomerRegistered") return { email: text(data.email), phone: text(data.phone) };
  if (event.type === "CustomerContactChanged") return { email: text(data.newEmail), phone: text(data.newPhone) };
  return null;
}

/** Email and phone as one line of searchable text. */
export const contactText = (c: { email: string | null; phone: string | null }) => [c.email, c.phone].filter(Boolean).join(" ");

export const CUSTOMER_EVENT_TYPES = [
  "CustomerRegistered",
  "CustomerRenamed",
  "CustomerAddressUpdated",
  "CustomerArchived",
  "CustomerContactChanged",
  "CustomerErased",
] as const;

/** Events grouped by customer id, each group in log order; events of other streams dropped. */
export function groupByCustomer(events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> {
  const groups = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const id = customerIdOfEvent(event);
    if (!id) {
      warnSkipped(event, "not a customer stream with a uuid id");
      continue;
    }
    const group = groups.get(id);
    if (group) group.push(event);
    else groups.set(id, [event]);
  }
  return groups;
}

/** A recorded event a projection cannot use: logged, skipped, never thrown (STYLE §5). */
export function warnSkipped(event: RecordedEvent, why: string) {
  if (process.env.NODE_ENV === "test" && process.env.LEDGER_QUIET_SKIPS !== "0") return;
  console.warn(`[projections] skipped ${event.type} #${event.position} (${event.streamId} v${event.version}): ${why}`);
}

/** Timestamps from either driver (Date or text) as ISO strings. */
export const isoOf = (value: unknown) => new Date(value as string | Date).toISOString();

