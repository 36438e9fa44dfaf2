import type { FieldErrors } from "@/lib/domain/customer/schema";
import type { CustomerFormValues } from "./customer-form";

/*
 * What a server action answers a form (STYLE §4): plain objects that cross the action boundary.
 * Safe to import in client components.
 */

/** One event that happened after the form was loaded: who, when, what. */
export interface ChangeSummary {
  version: number;
  type: string;
  timestamp: string;
  actor: string;
  changes: string[];
}

/** Errors as the forms show them; codes are the API's (STYLE §4). */
export type FormError =
  | { code: "validation_failed"; message: string; fieldErrors: FieldErrors }
  | { code: "not_found" | "already_exists" | "customer_archived" | "customer_erased" | "customer_unerasable"; message: string }
  | {
      code: "version_conflict";
      message: string;
      expectedVersion: number;
      actualVersion: number;
      eventsSince: ChangeSummary[];
      /** The edit form's three-way merge inputs (the other forms only say what changed). */
      merge?: ConflictMerge;
    };

/** What an edit form needs to merge a stale edit: the base it was loaded at and the customer now. */
export interface ConflictMerge {
  base: CustomerFormValues;
  theirs: CustomerFormValues;
  /** The version `theirs` was read at: what the merged edit is saved against. */
  version: number;
  /** An archive or erase made elsewhere: nothing can be saved any more. */
  standing: "active" | "archived" | "erased";
}

export type FormState<V> =
  | { status: "idle" }
  | { status: "saved"; version: number; unchanged: boolean; id: string; message: string; at: number; nextCommandId: string }
  | { status: "error"; error: FormError; values: V; at: number; commandId?: string };

/**
 * The idempotency key the form should submit next: a failed command was not recorded, so its
 * key is reused; after a success a fresh one, or the next edit would replay the last outcome.
 */
export function commandIdFor<V>(state: FormState<V>, initial: string): string {
  if (state.status === "saved") return state.nextCommandId;
  if (state.status === "error" && state.commandId) return state.commandId;
  return initial;
}

export const idle = { status: "idle" } as const;

export interface ArchiveFormValues {
  reason: string;
}
