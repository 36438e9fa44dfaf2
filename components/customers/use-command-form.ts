"use client";

import { useQueryClient, type QueryKey } from "@tanstack/react-query";
import { useActionState, useEffect, useRef } from "react";
import { queryKeys } from "@/components/query-keys";
import { idle, type FormState } from "@/lib/forms/form-state";

/**
 * The customer forms' shared wiring around a server action: its state, the queries a saved
 * command makes stale, and where focus goes after each answer (issue 15), so that a keyboard or
 * screen-reader user lands on the outcome instead of the page body:
 * - saved, or a refusal: the outcome message (`outcomeRef`, a `tabIndex={-1}` live region);
 * - a validation error: the first invalid field of the form (`formRef`);
 * - a version conflict: the conflict banner (`bannerRef`), scrolled into view first, because on a
 *   phone it sits far above the button that was pressed.
 */
export function useCommandForm<V>(
  action: (state: FormState<V>, formData: FormData) => Promise<FormState<V>>,
  invalidate: QueryKey[] = [queryKeys.customers],
) {
  const [state, formAction, pending] = useActionState<FormState<V>, FormData>(action, idle);
  const queryClient = useQueryClient();
  const formRef = useRef<HTMLFormElement>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);
  const bannerRef = useRef<HTMLDivElement>(null);
  const at = state.status === "idle" ? 0 : state.at;
  const outcome = state.status === "idle" ? null : state.status === "saved" ? "saved" : state.error.code;
  const invalidateJson = JSON.stringify(invalidate);

  useEffect(() => {
    if (!at) return;
    if (outcome === "saved") {
      for (const queryKey of JSON.parse(invalidateJson) as QueryKey[]) void queryClient.invalidateQueries({ queryKey });
    }
    if (outcome === "validation_failed") {
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    const banner = outcome === "version_conflict" ? bannerRef.current : null;
    if (banner) {
      banner.scrollIntoView({ block: "start", behavior: "instant" });
      banner.focus({ preventScroll: true });
      return;
    }
    outcomeRef.current?.focus();
  }, [at, outcome, invalidateJson, queryClient]);

  const values = state.status === "error" ? state.values : null;
  const error = state.status === "error" ? state.error : null;
  const fieldErrors = error?.code === "validation_failed" ? error.fieldErrors : undefined;
  return { state, formAction, pending, values, error, fieldErrors, at, formRef, outcomeRef, bannerRef };
}
