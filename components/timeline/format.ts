import type { FieldPath, FieldValue } from "@/lib/timeline/diff";

/** Labels people read on the state card; paths (`address.city`) are used in diffs and provenance. */
export const FIELD_LABELS: Record<FieldPath, string> = {
  id: "Id",
  name: "Name",
  "address.street": "Street",
  "address.city": "City",
  "address.region": "Region",
  "address.postalCode": "Postal code",
  "address.country": "Country",
  email: "Email",
  phone: "Phone",
  status: "Status",
  registeredAt: "Registered",
  archivedAt: "Archived",
  archiveReason: "Archive reason",
  updatedAt: "Updated",
  version: "Version",
};

export const TIME_FIELDS: readonly FieldPath[] = ["registeredAt", "archivedAt", "updatedAt"];

/** A value as it appears in a diff: strings quoted, absence spelled out. */
export function showValue(value: FieldValue | null | undefined): string {
  if (value === null || value === undefined) return "(none)";
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

export const pluralize = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
