"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useEffect, useMemo } from "react";
import { CustomerFields } from "@/components/customers/customer-fields";
import { LocalTime } from "@/components/local-time";
import { queryKeys } from "@/components/query-keys";
import { Button, buttonClass } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { editCustomerAction } from "../actions";
import { commandIdFor, idle, type CustomerFormValues, type FormState } from "../form-state";

/**
 * Edit name and address in one atomic command. The form carries the version it was loaded at;
 * if the customer changed since, it shows what changed and keeps everything typed, and "Apply
 * my edits on top" resubmits against the new version.
 */
export function EditCustomerForm({
  id,
  version,
  current,
  archived,
  commandId,
}: {
  id: string;
  version: number;
  current: CustomerFormValues;
  archived: boolean;
  commandId: string;
}) {
  const action = useMemo(() => editCustomerAction.bind(null, id), [id]);
  const [state, formAction, pending] = useActionState<FormState<CustomerFormValues>, FormData>(action, idle);
  const queryClient = useQueryClient();
  const savedAt = state.status === "saved" ? state.at : 0;
  useEffect(() => {
    if (savedAt) void queryClient.invalidateQueries({ queryKey: queryKeys.customers });
  }, [savedAt, queryClient]);

  const values = state.status === "error" ? state.values : current;
  const error = state.status === "error" ? state.error : null;
  const fieldErrors = error?.code === "validation_failed" ? error.fieldErrors : undefined;

  return (
    <form action={formAction} noValidate className="space-y-4" aria-describedby="edit-status">
      <input type="hidden" name="expectedVersion" value={version} />
      <input type="hidden" name="commandId" value={commandIdFor(state, commandId)} />
      {/* What the form was loaded with: "apply on top" keeps others' changes to untouched fields. */}
      <input type="hidden" name="initial.name" value={current.name} />
      <input type="hidden" name="initial.address.street" value={current.street} />
      <input type="hidden" name="initial.address.city" value={current.city} />
      <input type="hidden" name="initial.address.region" value={current.region} />
      <input type="hidden" name="initial.address.postalCode" value={current.postalCode} />
      <input type="hidden" name="initial.address.country" value={current.country} />

      {error?.code === "version_conflict" ? (
        <Notice tone="warning" className="space-y-3">
          <h3 className="text-base font-semibold">Changed since you opened it</h3>
          <p>
            You opened this form at version {error.expectedVersion}; the customer is now at version {error.actualVersion}. Your
            edits are still in the form. What changed in between:
          </p>
          <ol className="space-y-2" aria-label="Changes since you opened the form">
            {error.eventsSince.map((change) => (
              <li key={change.version} className="rounded border border-amber-200 bg-white p-2 dark:border-amber-900 dark:bg-zinc-900">
                <p className="text-sm">
                  <span className="font-mono">v{change.version}</span> <span className="font-medium">{change.type}</span> by{" "}
                  {change.actor}, <LocalTime iso={change.timestamp} />
                </p>
                <ul className="mt-1 list-inside list-disc break-words text-sm">
                  {change.changes.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
          <p className="text-sm">
            <strong>Apply my edits on top</strong> saves only the fields you changed over the current version; the changes above
            to other fields stay.
          </p>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" name="applyOnTopOf" value={String(error.actualVersion)} disabled={pending}>
              Apply my edits on top
            </Button>
            <a href={`/customers/${id}`} className={buttonClass("secondary")}>
              Discard my edits
            </a>
          </div>
        </Notice>
      ) : null}

      <fieldset disabled={archived || pending} className="space-y-4">
        <legend className="sr-only">{archived ? "Customer (read-only)" : "Customer"}</legend>
        <CustomerFields idPrefix="edit" values={values} fieldErrors={fieldErrors} readOnly={archived} />
      </fieldset>

      <div id="edit-status" aria-live="polite">
        {state.status === "saved" ? (
          <Notice tone="success">{state.message}.</Notice>
        ) : error && error.code !== "version_conflict" ? (
          <Notice tone="error">{error.message}</Notice>
        ) : null}
      </div>

      {archived ? null : (
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save changes"}
        </Button>
      )}
    </form>
  );
}
