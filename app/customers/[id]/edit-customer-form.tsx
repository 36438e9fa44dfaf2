"use client";

import { useMemo, useState } from "react";
import { CustomerFields } from "@/components/customers/customer-fields";
import { useCommandForm } from "@/components/customers/use-command-form";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { editCustomerAction } from "../actions";
import type { CustomerFormValues } from "@/lib/forms/customer-form";
import { commandIdFor } from "@/lib/forms/form-state";
import { threeWayMerge, type Choice, type Choices, type Clash } from "@/lib/forms/merge";
import { ConflictBanner } from "./conflict-banner";
import { LiveWarning } from "./live-warning";

const inputName = (field: keyof CustomerFormValues) => (field === "name" ? "name" : `address.${field}`);

/**
 * Edit name and address in one atomic command, at the version the form was loaded at. A stale
 * save comes back as a three-way merge (lib/forms/merge): the fields only the user changed are
 * kept in the form, the fields only others changed show their values, and each field both changed
 * waits for "Keep mine" or "Keep theirs". The resubmission is an ordinary edit against the
 * version the conflict answered. The page listens for changes made elsewhere meanwhile.
 */
export function EditCustomerForm({
  id,
  version,
  current,
  readOnly,
  commandId,
}: {
  id: string;
  version: number;
  current: CustomerFormValues;
  /** Archived, or a role that may not edit: the values without the controls. */
  readOnly: boolean;
  commandId: string;
}) {
  const action = useMemo(() => editCustomerAction.bind(null, id), [id]);
  const { state, formAction, pending, error, fieldErrors, at, formRef, outcomeRef, bannerRef } = useCommandForm(action);
  // Choices belong to the conflict they answer: a new conflict starts undecided.
  const [decided, setDecided] = useState<{ at: number; choices: Choices }>({ at: 0, choices: {} });
  const choices = decided.at === at ? decided.choices : {};

  const conflict = error?.code === "version_conflict" && error.merge && state.status === "error" ? { ...error, merge: error.merge, yours: state.values } : null;
  const merged = conflict ? threeWayMerge(conflict.merge.base, conflict.merge.theirs, conflict.yours) : null;
  const closed = readOnly || (conflict !== null && conflict.merge.standing !== "active");
  const clashes = conflict && !closed ? (merged?.clashes ?? []) : [];
  const undecided = clashes.some((c) => !choices[c.field]);
  // After a conflict the form edits the version it answered, starting from the merge.
  const base = conflict ? conflict.merge.theirs : current;
  const expectedVersion = conflict ? conflict.merge.version : version;
  const values = conflict ? (closed ? conflict.merge.theirs : merged!.values) : state.status === "error" ? state.values : current;

  const choose = (clash: Clash, choice: Choice) => {
    setDecided({ at, choices: { ...choices, [clash.field]: choice } });
    // The input shows the value that will be saved; "Keep mine" brings back what was typed.
    const input = formRef.current?.elements.namedItem(inputName(clash.field));
    if (input instanceof HTMLInputElement) input.value = choice === "theirs" ? clash.theirs : clash.yours;
  };

  return (
    <form ref={formRef} action={formAction} noValidate className="space-y-4" aria-describedby="edit-status">
      <input type="hidden" name="expectedVersion" value={expectedVersion} />
      <input type="hidden" name="commandId" value={commandIdFor(state, commandId)} />
      {/* The base of the merge: what the user did not touch keeps others' changes. */}
      <input type="hidden" name="initial.name" value={base.name} />
      <input type="hidden" name="initial.address.street" value={base.street} />
      <input type="hidden" name="initial.address.city" value={base.city} />
      <input type="hidden" name="initial.address.region" value={base.region} />
      <input type="hidden" name="initial.address.postalCode" value={base.postalCode} />
      <input type="hidden" name="initial.address.country" value={base.country} />

      {readOnly ? null : <LiveWarning id={id} version={expectedVersion} pending={pending} />}

      {conflict ? (
        <ConflictBanner
          id={id}
          bannerRef={bannerRef}
          expectedVersion={conflict.expectedVersion}
          actualVersion={conflict.merge.version}
          eventsSince={conflict.eventsSince}
          merge={conflict.merge}
          yours={conflict.yours}
          clashes={clashes}
          choices={choices}
          onChoose={choose}
          pending={pending}
        />
      ) : null}

      <fieldset disabled={closed || pending} className="space-y-4">
        <legend className="sr-only">{closed ? "Customer (read-only)" : "Customer"}</legend>
        <CustomerFields idPrefix="edit" values={values} fieldErrors={fieldErrors} readOnly={closed} />
      </fieldset>

      <div id="edit-status" ref={outcomeRef} tabIndex={-1} aria-live="polite" className="rounded-md outline-none focus-visible:ring-2 focus-visible:ring-blue-600">
        {state.status === "saved" ? (
          <Notice tone="success">{state.message}.</Notice>
        ) : error && error.code !== "version_conflict" ? (
          <Notice tone="error">{error.message}</Notice>
        ) : null}
      </div>

      {closed ? null : (
        <Button type="submit" disabled={pending || undecided}>
          {pending ? "Saving…" : "Save changes"}
        </Button>
      )}
    </form>
  );
}
