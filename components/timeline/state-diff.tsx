"use client";

import { useId, useState } from "react";
import { DIFF_FIELDS, flattenState, type FieldChange } from "@/lib/timeline/diff";
import type { CustomerState } from "@/lib/domain/customer/state";
import { FieldName } from "./bits";
import { showValue } from "./format";

const KIND_STYLE = {
  added: "bg-emerald-100 text-emerald-900 dark:bg-emerald-900/60 dark:text-emerald-100",
  removed: "bg-red-100 text-red-900 dark:bg-red-900/60 dark:text-red-100",
  changed: "bg-amber-100 text-amber-900 dark:bg-amber-900/60 dark:text-amber-100",
} as const;

/** One change as a plain path and values: `address.city: "Oslo" → "Bergen"`. */
export function ChangeRow({ change }: { change: FieldChange }) {
  return (
    <li className="flex flex-wrap items-baseline gap-x-2 gap-y-1 py-1.5 text-sm" data-path={change.path}>
      <span className={`rounded px-1.5 text-xs font-medium ${KIND_STYLE[change.kind]}`}>{change.kind}</span>
      <FieldName path={change.path} />
      <span className="min-w-0 break-words font-mono text-xs">
        {change.kind === "added" ? (
          showValue(change.after)
        ) : change.kind === "removed" ? (
          <span className="line-through">{showValue(change.before)}</span>
        ) : (
          <>
            {showValue(change.before)} <span aria-label="becomes">→</span> {showValue(change.after)}
          </>
        )}
      </span>
    </li>
  );
}

/**
 * A field-level diff: the changed fields first, the unchanged ones on request.
 */
export function StateDiff({ changes, after, emptyText }: { changes: FieldChange[]; after: CustomerState; emptyText: string }) {
  const [showUnchanged, setShowUnchanged] = useState(false);
  const toggleId = useId();
  const changed = new Set(changes.map((c) => c.path));
  const flat = flattenState(after);
  const unchanged = DIFF_FIELDS.filter((path) => !changed.has(path) && flat[path] !== undefined);
  return (
    <div className="space-y-3">
      {changes.length === 0 ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">{emptyText}</p>
      ) : (
        <ul aria-label="Changed fields" className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {changes.map((change) => (
            <ChangeRow key={change.path} change={change} />
          ))}
        </ul>
      )}
      {unchanged.length ? (
        <div className="space-y-2">
          <label htmlFor={toggleId} className="inline-flex items-center gap-2 text-sm">
            <input id={toggleId} type="checkbox" checked={showUnchanged} onChange={(e) => setShowUnchanged(e.target.checked)} className="size-4" />
            Show unchanged ({unchanged.length})
          </label>
          {showUnchanged ? (
            <ul aria-label="Unchanged fields" className="divide-y divide-zinc-100 text-zinc-600 dark:divide-zinc-800 dark:text-zinc-400">
              {unchanged.map((path) => (
                <li key={path} className="flex flex-wrap gap-x-2 py-1.5 text-sm">
                  <FieldName path={path} strong={false} />
                  <span className="break-words font-mono text-xs">{showValue(flat[path])}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
