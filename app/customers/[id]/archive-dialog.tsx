"use client";

import { useEffect } from "react";
import { focusOnArrival } from "@/components/customers/arrival-focus";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { Textarea } from "@/components/ui/input";
import { archiveCustomerAction } from "../actions";
import { commandIdFor, type ArchiveFormValues } from "@/lib/forms/form-state";
import { useCommandDialog } from "./use-command-dialog";

/** "Archive…" opens a modal dialog (native <dialog>: focus trap and Escape built in). */
export function ArchiveDialog({ id, name, version, commandId }: { id: string; name: string; version: number; commandId: string }) {
  const { dialog, state, formAction, pending, error } = useCommandDialog<ArchiveFormValues>(archiveCustomerAction, id);
  const failedAt = state.status === "error" ? state.at : 0;
  useEffect(() => {
    if (failedAt) focusOnArrival(null);
  }, [failedAt]);
  const reasonErrors = error?.code === "validation_failed" ? error.fieldErrors.reason : undefined;
  return (
    <>
      <Button variant="danger" onClick={() => dialog.current?.showModal()}>
        Archive…
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby="archive-title"
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      >
        {/* The Archive… button goes with the archive: focus goes to the archived notice instead. */}
        <form action={formAction} onSubmit={() => focusOnArrival("archived-notice")} noValidate className="space-y-4 p-5">
          <h2 id="archive-title" className="break-words text-lg font-semibold">
            Archive {name}?
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            An archived customer can no longer be renamed or moved. The history stays in the log.
          </p>
          <input type="hidden" name="expectedVersion" value={version} />
          <input type="hidden" name="commandId" value={commandIdFor(state, commandId)} />
          <div className="space-y-1">
            <label htmlFor="archive-reason" className="block text-sm font-medium">
              Reason (optional)
            </label>
            <Textarea
              id="archive-reason"
              name="reason"
              rows={3}
              defaultValue={state.status === "error" ? state.values.reason : ""}
              aria-invalid={reasonErrors ? true : undefined}
              aria-describedby="archive-reason-error"
            />
            <div id="archive-reason-error" aria-live="polite" className="text-sm text-red-700 dark:text-red-400">
              {reasonErrors?.map((m) => <p key={m}>{m}</p>)}
            </div>
          </div>
          <div aria-live="polite">
            {error?.code === "version_conflict" ? (
              <Notice tone="warning">
                Changed since you opened it (now version {error.actualVersion}).{" "}
                <a href={`/customers/${id}`} className="font-medium underline">
                  Reload the customer
                </a>{" "}
                before archiving.
              </Notice>
            ) : error && error.code !== "validation_failed" ? (
              <Notice tone="error">{error.message}</Notice>
            ) : null}
          </div>
          <div className="flex flex-wrap justify-end gap-2">
            <Button variant="secondary" onClick={() => dialog.current?.close()}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" disabled={pending}>
              {pending ? "Archiving…" : "Archive customer"}
            </Button>
          </div>
        </form>
      </dialog>
    </>
  );
}
