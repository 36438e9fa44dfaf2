import type { CustomerCommandResult } from "@/lib/commands/customer";
import { customerErrorMessages } from "@/lib/domain/customer/errors";
import { fieldErrorsOf } from "@/lib/domain/customer/schema";
import { describeEvent } from "@/lib/queries/describe";
import type { z } from "zod";
import type { ConflictMerge, FormError, FormState } from "./form-state";

/* The server side of the forms: command and validation outcomes as form states (pure). */

type CommandFailure = Extract<CustomerCommandResult, { ok: false }>["error"];

/** An error answer: the typed values go back so that nothing typed is lost. */
export function errorState<V>(error: FormError, values: V, commandId?: string): FormState<V> {
  return { status: "error", error, values, at: Date.now(), commandId };
}

/** zod's verdict on the input, as the form shows it: a message beside each field. */
export function validationFailed<V>(error: z.ZodError, values: V, commandId?: string): FormState<V> {
  return errorState({ code: "validation_failed", message: "Check the highlighted fields", fieldErrors: fieldErrorsOf(error) }, values, commandId);
}

/** A command's refusal; a version conflict says what changed since the form was loaded. */
export function commandFailed<V>(error: CommandFailure, values: V, commandId?: string, merge?: ConflictMerge): FormState<V> {
  if (error.code === "version_conflict") {
    return errorState(
      {
        code: "version_conflict",
        message: "Changed since you opened it",
        expectedVersion: error.expectedVersion,
        actualVersion: error.actualVersion,
        eventsSince: error.eventsSince.map((event) => ({
          version: event.version,
          type: event.type,
          timestamp: event.timestamp,
          actor: event.metadata.actor,
          changes: describeEvent(event),
        })),
        ...(merge ? { merge } : {}),
      },
      values,
      commandId,
    );
  }
  return errorState({ code: error.code, message: customerErrorMessages[error.code] }, values, commandId);
}
