import type { CustomerFormValues } from "./values";

/*
 * The edit form's three-way merge, pure: base (the version the form was loaded at), theirs (the
 * customer as it is now) and yours (what the user typed). A field only you changed is applied, a
 * field only they changed is kept, and a field you both changed to different values is a clash
 * that only the user can decide. Values compare without their surrounding whitespace, as the
 * domain trims them. Safe to import in client components.
 */

export type MergeField = keyof CustomerFormValues;

/** The fields in form order. */
export const MERGE_FIELDS: readonly MergeField[] = ["name", "street", "city", "postalCode", "region", "country"];

/** Field names for people, as the labels say them. */
export const FIELD_LABELS: Record<MergeField, string> = {
  name: "Name",
  street: "Street",
  city: "City",
  postalCode: "Postal code",
  region: "Region",
  country: "Country",
};

export interface Clash {
  field: MergeField;
  base: string;
  theirs: string;
  yours: string;
}

export interface Merge {
  /** The merged values; a clash's field holds yours until the user decides. */
  values: CustomerFormValues;
  clashes: Clash[];
}

export type Choice = "mine" | "theirs";
export type Choices = Partial<Record<MergeField, Choice>>;

const same = (a: string, b: string) => a.trim() === b.trim();

export function threeWayMerge(base: CustomerFormValues, theirs: CustomerFormValues, yours: CustomerFormValues): Merge {
  const values = { ...theirs };
  const clashes: Clash[] = [];
  for (const field of MERGE_FIELDS) {
    if (same(yours[field], base[field])) continue; // you left it: theirs stands
    if (same(theirs[field], base[field]) || same(theirs[field], yours[field])) {
      // Only you changed it, or you both made the same change.
      values[field] = same(theirs[field], yours[field]) ? theirs[field] : yours[field];
      continue;
    }
    values[field] = yours[field];
    clashes.push({ field, base: base[field], theirs: theirs[field], yours: yours[field] });
  }
  return { values, clashes };
}

export type Resolution = { ok: true; values: CustomerFormValues } | { ok: false; undecided: MergeField[] };

/**
 * The values to save once the clashes are decided. `typed` are the form's values against the new
 * base `theirs` (a clash's field as the user left it); "theirs" takes theirs back, "mine" keeps the
 * typed value. Any clash without a choice means nothing may be saved.
 */
export function applyChoices(typed: CustomerFormValues, theirs: CustomerFormValues, clashFields: readonly MergeField[], choices: Choices): Resolution {
  const undecided = clashFields.filter((field) => choices[field] !== "mine" && choices[field] !== "theirs");
  if (undecided.length) return { ok: false, undecided };
  const values = { ...typed };
  for (const field of clashFields) if (choices[field] === "theirs") values[field] = theirs[field];
  return { ok: true, values };
}

/** A merge decided in one step: the merged values with each clash's choice applied. */
export const resolveMerge = (merge: Merge, theirs: CustomerFormValues, choices: Choices): Resolution =>
  applyChoices(merge.values, theirs, merge.clashes.map((c) => c.field), choices);

/** The fields the user changed against the base: what an archive made elsewhere left unsaved. */
export const changedFields = (base: CustomerFormValues, yours: CustomerFormValues): MergeField[] =>
  MERGE_FIELDS.filter((field) => !same(base[field], yours[field]));

export const isMergeField = (value: string): value is MergeField => (MERGE_FIELDS as readonly string[]).includes(value);

/**
 * A base in which `fields` hold a value nobody can type, so that a merge marks them as clashes
 * again when both sides differ: a clash left undecided must not pass as "only you changed it".
 */
export function withUndecided(base: CustomerFormValues, fields: readonly MergeField[]): CustomerFormValues {
  const out = { ...base };
  for (const field of fields) out[field] = UNDECIDED;
  return out;
}

const UNDECIDED = "\u0000undecided";
