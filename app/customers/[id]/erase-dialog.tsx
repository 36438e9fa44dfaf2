"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { Input, Textarea } from "@/components/ui/input";
import { eraseCustomerAction } from "../actions";
import { commandIdFor } from "@/lib/forms/form-state";
import { useCommandDialog } from "./use-command-dialog";

/**
 * "Erase personal data…" (admins only; the page does not render it for others and the action
 * refuses them). Irreversible, so the admin types the customer's name to confirm.
 */
export function EraseDialog({ id, name, commandId }: { id: string; name: string; commandId: string }) {
  const { dialog, state, formAction, pending, error } = useCommandDialog<{ reason: string }>(eraseCustomerAction, id);
  const [typed, setTyped] = useState("");
  const reasonErrors = error?.code === "validation_failed" ? error.fieldErrors.reason : undefined;
  const confirmed = typed.trim() === name.trim();
  return (
    <>
      <Button variant="danger" onClick={() => dialog.current?.showModal()}>
        Erase personal data…
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby="erase-title"
        className="m-auto w-[min(30rem,calc(100vw-2rem))] rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      >
        <form action={formAction} noValidate className="space-y-4 p-5">
          <h2 id="erase-title" className="break-words text-lg font-semibold">
            Erase the personal data of {name}?
          </h2>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Name, street, postal code, email and phone are erased in every version, for good: the customer&apos;s key is
            deleted. The history keeps its versions, times, actors and which fields changed. The customer can no longer be changed.
          </p>
          <input type="hidden" name="commandId" value={commandIdFor(state, commandId)} />
          <div className="space-y-1">
            <label htmlFor="erase-reason" className="block text-sm font-medium">
              Reason (e.g. the request&apos;s reference)
            </label>
            <Textarea id="erase-reason" name="reason" rows={2} required aria-invalid={reasonErrors ? true : undefined} aria-describedby="erase-reason-error" />
            <div id="erase-reason-error" aria-live="polite" className="text-sm text-red-700 dark:text-red-400">
              {reasonErrors?.map((m) => <p key={m}>{m}</p>)}
            </div>
          </div>
          <div className="space-y-1">
            <label htmlFor="erase-confirm" className="block text-sm font-medium">
              Type the customer&apos;s name to confirm
            </label>
            <Input id="erase-confirm" autoComplete="off" value={typed} onChange={(event) => setTyped(event.target.value)} />
          </div>
          <div aria-live="polite">{error && error.code !== "validation_failed" ? <Notice tone="error">{error.message}</Notice> : null}</div>
          <div className="flex flex-wrap justify-end gap-2">
            <Button variant="secondary" onClick={() => dialog.current?.close()}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" disabled={pending || !confirmed}>
              {pending ? "Erasing…" : "Erase personal data"}
            </Button>
          </div>
        </form>
      </dialog>
    </>
  );
}
