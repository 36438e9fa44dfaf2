"use client";

import { useMemo, useState } from "react";
import { ContactFields } from "@/components/customers/contact-fields";
import { useCommandForm } from "@/components/customers/use-command-form";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { changeContactAction } from "../actions";
import type { ContactFormValues } from "@/lib/forms/customer-form";
import { commandIdFor } from "@/lib/forms/form-state";

/** Email and phone: their own command (CustomerContactChanged), at the version the page loaded. */
export function ContactForm({
  id,
  version,
  current,
  readOnly,
  commandId,
}: {
  id: string;
  version: number;
  current: ContactFormValues;
  readOnly: boolean;
  commandId: string;
}) {
  const action = useMemo(() => changeContactAction.bind(null, id), [id]);
  const { state, formAction, pending, values, error, fieldErrors, formRef, outcomeRef } = useCommandForm(action);
  // The page refreshes when the edit form meets a conflict; typed contact details must keep the
  // version they were typed against, or a save would pass over a contact change made meanwhile.
  // A save starts afresh (keyed by its time); an error keeps the version the typing began at.
  const savedAt = state.status === "saved" ? state.at : 0;
  const [typedAt, setTypedAt] = useState<{ savedAt: number; version: number } | null>(null);
  const loadedVersion = state.status === "saved" ? state.version : version;
  const expectedVersion = typedAt && typedAt.savedAt === savedAt ? typedAt.version : loadedVersion;
  return (
    <form
      ref={formRef}
      action={formAction}
      onChange={() => setTypedAt((t) => (t && t.savedAt === savedAt ? t : { savedAt, version: expectedVersion }))}
      noValidate
      className="space-y-3" aria-labelledby="contact-heading" aria-describedby="contact-status">
      <h2 id="contact-heading" className="text-lg font-semibold">
        Contact details
      </h2>
      <input type="hidden" name="expectedVersion" value={expectedVersion} />
      <input type="hidden" name="commandId" value={commandIdFor(state, commandId)} />
      <fieldset disabled={readOnly || pending}>
        <legend className="sr-only">Contact details</legend>
        <ContactFields idPrefix="contact" values={values ?? current} fieldErrors={fieldErrors} readOnly={readOnly} />
      </fieldset>
      <div id="contact-status" ref={outcomeRef} tabIndex={-1} aria-live="polite" className="rounded-md outline-none focus-visible:ring-2 focus-visible:ring-blue-600">
        {state.status === "saved" ? (
          <Notice tone="success">{state.message}.</Notice>
        ) : error?.code === "version_conflict" ? (
          <Notice tone="warning">
            Changed since you opened it (now version {error.actualVersion}). Your input is still here;{" "}
            <a href={`/customers/${id}`} className="font-medium underline">
              reload the customer
            </a>{" "}
            to see what changed.
          </Notice>
        ) : error && error.code !== "validation_failed" ? (
          <Notice tone="error">{error.message}</Notice>
        ) : null}
      </div>
      {readOnly ? null : (
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : "Save contact details"}
        </Button>
      )}
    </form>
  );
}
