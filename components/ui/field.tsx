import type { InputHTMLAttributes } from "react";
import { Input } from "./input";

/**
 * A labelled text input with its errors underneath, wired for assistive tech: the errors are
 * referenced by `aria-describedby` and announced (`aria-live`) when they appear.
 */
export function TextField({
  id,
  label,
  errors,
  hint,
  className = "",
  ...input
}: InputHTMLAttributes<HTMLInputElement> & { id: string; label: string; errors?: string[]; hint?: string }) {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [hint ? hintId : null, errors?.length ? errorId : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={`space-y-1 ${className}`}>
      <label htmlFor={id} className="block text-sm font-medium text-zinc-700 dark:text-zinc-300">
        {label}
        {input.required ? <span className="text-red-600 dark:text-red-400" aria-hidden="true"> *</span> : null}
      </label>
      <Input id={id} aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy} {...input} />
      {hint ? (
        <p id={hintId} className="text-xs text-zinc-500 dark:text-zinc-400">
          {hint}
        </p>
      ) : null}
      <div id={errorId} aria-live="polite" className="text-sm text-red-700 dark:text-red-400">
        {errors?.map((message) => <p key={message}>{message}</p>)}
      </div>
    </div>
  );
}
