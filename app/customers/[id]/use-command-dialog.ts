"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useEffect, useMemo, useRef } from "react";
import { queryKeys } from "@/components/query-keys";
import { idle, type FormState } from "@/lib/forms/form-state";

/**
 * The state of a dialog that sends one customer command (archive, erase): the server action bound
 * to the customer, its form state, and on success the dialog closed and the lists refetched.
 */
export function useCommandDialog<Values>(serverAction: (id: string, previous: FormState<Values>, form: FormData) => Promise<FormState<Values>>, id: string) {
  const dialog = useRef<HTMLDialogElement>(null);
  const action = useMemo(() => serverAction.bind(null, id), [serverAction, id]);
  const [state, formAction, pending] = useActionState<FormState<Values>, FormData>(action, idle);
  const queryClient = useQueryClient();
  const savedAt = state.status === "saved" ? state.at : 0;
  useEffect(() => {
    if (savedAt) {
      dialog.current?.close();
      void queryClient.invalidateQueries({ queryKey: queryKeys.customers });
    }
  }, [savedAt, queryClient]);
  const error = state.status === "error" ? state.error : null;
  return { dialog, state, formAction, pending, error };
}
