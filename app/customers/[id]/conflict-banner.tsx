"use client";

import type { Ref } from "react";
import { ActorName } from "@/components/actors/actor-name";
import { LocalTime } from "@/components/local-time";
import { Button, buttonClass } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import type { CustomerFormValues } from "@/lib/forms/customer-form";
import type { ChangeSummary, ConflictMerge } from "@/lib/forms/form-state";
import { changedFields, FIELD_LABELS, type Choice, type Choices, type Clash } from "@/lib/forms/merge";

interface Props {
  id: string;
  bannerRef: Ref<HTMLDivElement>;
  expectedVersion: number;
  actualVersion: number;
  eventsSince: ChangeSummary[];
  merge: ConflictMerge;
  yours: CustomerFormValues;
  clashes: Clash[];
  choices: Choices;
  onChoose: (clash: Clash, choice: Choice) => void;
  pending: boolean;
}

/**
 * A stale edit, merged: what changed since the form was loaded, each field both sides changed
 * with "Keep mine" / "Keep theirs" (nothing saves until each is decided), or, when the customer
 * was archived or erased elsewhere, why nothing can be saved and what the user had typed.
 */
export function ConflictBanner(props: Props) {
  const { id, bannerRef, merge, clashes, choices, pending } = props;
  const closed = merge.standing !== "active";
  const undecided = clashes.filter((c) => !choices[c.field]).length;
  return (
    <div
      ref={bannerRef}
      tabIndex={-1}
      role="region"
      aria-labelledby="conflict-heading"
      className="scroll-mt-4 rounded-md outline-none focus-visible:ring-2 focus-visible:ring-amber-600"
    >
    <Notice tone="warning" className="space-y-3">
      <h3 id="conflict-heading" className="text-base font-semibold">
        {closed ? `${merge.standing === "archived" ? "Archived" : "Personal data erased"} since you opened it` : "Changed since you opened it"}
      </h3>
      <p>
        You opened this form at version {props.expectedVersion}; the customer is now at version {props.actualVersion}.{" "}
        {closed
          ? `${merge.standing === "archived" ? "An archived customer" : "An erased customer"} cannot be edited, so your edits were not saved and the form is read-only.`
          : "Your edits are still in the form. What changed in between:"}
      </p>
      <ChangeList changes={props.eventsSince} />
      {closed ? <UnsavedEdits base={merge.base} yours={props.yours} /> : null}
      {!closed && clashes.length ? (
        <div className="space-y-2">
          <p className="font-medium">
            You both changed {clashes.length === 1 ? "one field" : `${clashes.length} fields`}: choose which value to keep before saving.
          </p>
          {clashes.map((clash) => (
            <ClashChoice key={clash.field} clash={clash} choice={choices[clash.field]} onChoose={props.onChoose} />
          ))}
        </div>
      ) : null}
      {closed ? (
        <a href={`/customers/${id}`} className={buttonClass("secondary")}>
          Reload the customer
        </a>
      ) : (
        <>
          <p className="text-sm">
            Saving applies the fields you changed to version {props.actualVersion}; their changes to other fields stay.
            {undecided ? ` ${undecided === 1 ? "One clash is" : `${undecided} clashes are`} still to decide.` : ""}
          </p>
          <div className="flex flex-wrap gap-2">
            <Button type="submit" disabled={pending || undecided > 0}>
              Save merged version
            </Button>
            <a href={`/customers/${id}`} className={buttonClass("secondary")}>
              Discard my edits
            </a>
          </div>
        </>
      )}
    </Notice>
    </div>
  );
}

function ChangeList({ changes }: { changes: ChangeSummary[] }) {
  return (
    <ol className="space-y-2" aria-label="Changes since you opened the form">
      {changes.map((change) => (
        <li key={change.version} className="rounded border border-amber-200 bg-white p-2 dark:border-amber-900 dark:bg-zinc-900">
          <p className="text-sm">
            <span className="font-mono">v{change.version}</span> <span className="font-medium">{change.type}</span> by{" "}
            <ActorName actor={change.actor} />, <LocalTime iso={change.timestamp} />
          </p>
          <ul className="mt-1 list-inside list-disc break-words text-sm">
            {change.changes.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </li>
      ))}
    </ol>
  );
}

/** Theirs and yours side by side; the radio group is named by the field. */
function ClashChoice({ clash, choice, onChoose }: { clash: Clash; choice: Choice | undefined; onChoose: (clash: Clash, choice: Choice) => void }) {
  const option = (value: Choice, label: string, text: string) => (
    <label
      className={`flex cursor-pointer items-start gap-2 rounded border p-2 ${choice === value ? "border-amber-600 bg-amber-100 dark:bg-amber-900" : "border-amber-200 bg-white dark:border-amber-900 dark:bg-zinc-900"}`}
    >
      <input type="radio" name={`choice.${clash.field}`} value={value} checked={choice === value} onChange={() => onChoose(clash, value)} className="mt-1" />
      <span className="min-w-0">
        <span className="block font-medium">{label}</span>
        <span className="block break-words">{text === "" ? "(empty)" : text}</span>
      </span>
    </label>
  );
  return (
    <fieldset className="rounded border border-amber-300 p-2 dark:border-amber-800">
      <legend className="px-1 font-semibold">{FIELD_LABELS[clash.field]}</legend>
      <input type="hidden" name="clash" value={clash.field} />
      <div className="grid gap-2 sm:grid-cols-2">
        {option("theirs", "Keep theirs", clash.theirs)}
        {option("mine", "Keep mine", clash.yours)}
      </div>
    </fieldset>
  );
}

/** What the user typed that an archive or erase made elsewhere left unsaved: shown, never lost. */
function UnsavedEdits({ base, yours }: { base: CustomerFormValues; yours: CustomerFormValues }) {
  const fields = changedFields(base, yours);
  if (!fields.length) return null;
  return (
    <div>
      <p className="font-medium">Your unsaved edits:</p>
      <dl className="mt-1 space-y-1 text-sm" aria-label="Your unsaved edits">
        {fields.map((field) => (
          <div key={field} className="flex flex-wrap gap-x-2">
            <dt className="font-medium">{FIELD_LABELS[field]}:</dt>
            <dd className="break-words">{yours[field] === "" ? "(empty)" : yours[field]}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
