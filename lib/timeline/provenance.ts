import { customerEventTypes, type CustomerEventEnvelope } from "@/lib/domain/customer/events";
import { evolve, initialState, type CustomerState } from "@/lib/domain/customer/state";
import type { RecordedEvent } from "@/lib/eventstore";
import { diffFlat, FIELD_PATHS, flattenState, type ChangeKind, type FieldChange, type FieldPath, type FieldValue } from "./diff";

/**
 * Provenance answers "why does this field have this value?": the event that gave the field its
 * current value. An event that rewrites the whole address but keeps the street does not become
 * the street's origin; the one that last *changed* it (or first set it) does. That is what a
 * reader of the Why tab needs: following the link lands on a version whose diff shows the field.
 */
export interface FieldOrigin {
  version: number;
  type: string;
  timestamp: string;
  actor: string;
  commandId: string;
  eventId: string;
  /** What that event did to the field: `removed` when the field has been absent since. */
  kind: ChangeKind;
}

/** Origins keyed by field path. A field that never had a value has no entry. */
export type Provenance = Partial<Record<FieldPath, FieldOrigin>>;

/** A state with the provenance of each of its fields. */
export interface Tracked {
  /** The version this state is at (0 before the first event). */
  version: number;
  state: CustomerState;
  provenance: Provenance;
}

export const initialTracked = (): Tracked => ({ version: 0, state: initialState(), provenance: {} });

const CUSTOMER_TYPES: ReadonlySet<string> = new Set(customerEventTypes);

/** The domain's envelope for a recorded event, or null for a type the customer fold does not know. */
export function asCustomerEvent(event: RecordedEvent): CustomerEventEnvelope | null {
  return CUSTOMER_TYPES.has(event.type) ? (event as unknown as CustomerEventEnvelope) : null;
}

export function originOf(event: RecordedEvent, kind: ChangeKind): FieldOrigin {
  return {
    version: event.version,
    type: event.type,
    timestamp: event.timestamp,
    actor: event.metadata?.actor ?? "unknown",
    commandId: event.metadata?.commandId ?? "",
    eventId: event.id,
    kind,
  };
}

/**
 * Apply one event: the next state, its provenance, and the changes it made to every field
 * (bookkeeping included). Pure. An event of a type the fold does not know changes nothing.
 */
export function applyTracked(tracked: Tracked, event: RecordedEvent): { next: Tracked; changes: FieldChange[] } {
  const customerEvent = asCustomerEvent(event);
  const state = customerEvent ? evolve(tracked.state, customerEvent) : tracked.state;
  const changes = diffFlat(flattenState(tracked.state), flattenState(state), FIELD_PATHS);
  let provenance = tracked.provenance;
  if (changes.length) {
    provenance = { ...provenance };
    for (const change of changes) provenance[change.path] = originOf(event, change.kind);
  }
  return { next: { version: event.version, state, provenance }, changes };
}

/** Fold events onto a tracked state. Pure. */
export function foldTracked(events: Iterable<RecordedEvent>, from: Tracked = initialTracked()): Tracked {
  let current = from;
  for (const event of events) current = applyTracked(current, event).next;
  return current;
}

/** One change of one field, for a field's history. */
export interface FieldHistoryEntry extends FieldOrigin {
  before: FieldValue | null;
  after: FieldValue | null;
}

/**
 * Every change of `field` made by `events` (in order), starting from `from`. Pure.
 */
export function historyOf(field: FieldPath, events: Iterable<RecordedEvent>, from: Tracked = initialTracked()): FieldHistoryEntry[] {
  const out: FieldHistoryEntry[] = [];
  let current = from;
  for (const event of events) {
    const { next, changes } = applyTracked(current, event);
    const change = changes.find((c) => c.path === field);
    if (change) out.push({ ...originOf(event, change.kind), before: change.before, after: change.after });
    current = next;
  }
  return out;
}
