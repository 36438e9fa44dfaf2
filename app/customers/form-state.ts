import type { FieldErrors } from "@/lib/domain/customer/schema";

/** What the customer forms send: every field as typed (strings), so nothing is ever lost. */
export interface CustomerFormValues {
  name: string;
  street: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

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
  | { code: "not_found" | "already_exists" | "customer_archived"; message: string }
  | {
      code: "version_conflict";
      message: string;
      expectedVersion: number;
      actualVersion: number;
      eventsSince: ChangeSummary[];
    };

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

export const emptyCustomerValues: CustomerFormValues = { name: "", street: "", city: "", region: "", postalCode: "", country: "" };

export interface ArchiveFormValues {
  reason: string;
}
