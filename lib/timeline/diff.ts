import type { CustomerState } from "@/lib/domain/customer/state";

/**
 * Every field of a customer's state as a flat dot path, in the order people read a record.
 * `address` is flattened (`address.city`) so that a diff, a provenance entry and a pinned field
 * all name the same thing, and a move within one city shows as `address.street` alone.
 */
export const FIELD_PATHS = [
  "id",
  "name",
  "address.street",
  "address.city",
  "address.region",
  "address.postalCode",
  "address.country",
  "email",
  "phone",
  "status",
  "registeredAt",
  "archivedAt",
  "archiveReason",
  "updatedAt",
  "version",
] as const;

export type FieldPath = (typeof FIELD_PATHS)[number];

/**
 * Bookkeeping fields change with every event by construction. They are left out of diffs and of
 * "fields touched" (they would bury the real change), but they still have provenance.
 */
export const BOOKKEEPING_FIELDS: readonly FieldPath[] = ["updatedAt", "version"];

/** The fields a diff compares: everything but bookkeeping. */
export const DIFF_FIELDS: readonly FieldPath[] = FIELD_PATHS.filter((path) => !BOOKKEEPING_FIELDS.includes(path));

export const isFieldPath = (value: string): value is FieldPath => (FIELD_PATHS as readonly string[]).includes(value);

export type FieldValue = string | number;

/** A state as `{ path: value }`; an absent field (no region, not archived) has no key. */
export type FlatState = Partial<Record<FieldPath, FieldValue>>;

export function flattenState(state: CustomerState): FlatState {
  if (state.status === "unregistered") return {};
  const flat: FlatState = {
    id: state.id,
    name: state.name,
    "address.street": state.address.street,
    "address.city": state.address.city,
    "address.region": state.address.region,
    "address.postalCode": state.address.postalCode,
    "address.country": state.address.country,
    email: state.email ?? undefined,
    phone: state.phone ?? undefined,
    status: state.status,
    registeredAt: state.registeredAt,
    archivedAt: state.archivedAt,
    archiveReason: state.archiveReason,
    updatedAt: state.updatedAt,
    version: state.version,
  };
  for (const path of FIELD_PATHS) {
    if (flat[path] === undefined || flat[path] === null || flat[path] === "") delete flat[path];
  }
  return flat;
}

export type ChangeKind = "added" | "removed" | "changed";

/** One field that differs between two states. `before`/`after` are null when the field is absent. */
export interface FieldChange {
  path: FieldPath;
  before: FieldValue | null;
  after: FieldValue | null;
  kind: ChangeKind;
}

/** Field-level diff of two flat states over `fields` (in `fields` order). */
export function diffFlat(before: FlatState, after: FlatState, fields: readonly FieldPath[] = DIFF_FIELDS): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const path of fields) {
    const a = before[path];
    const b = after[path];
    if (a === b) continue;
    changes.push({
      path,
      before: a ?? null,
      after: b ?? null,
      kind: a === undefined ? "added" : b === undefined ? "removed" : "changed",
    });
  }
  return changes;
}

/**
 * The field-level diff between two states, bookkeeping left out. Against the unregistered state
 * (version 1's predecessor) every present field is `added`.
 */
export function diffStates(before: CustomerState, after: CustomerState, fields: readonly FieldPath[] = DIFF_FIELDS): FieldChange[] {
  return diffFlat(flattenState(before), flattenState(after), fields);
}
