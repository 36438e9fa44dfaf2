"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useActionState, useEffect } from "react";
import { CustomerFields } from "@/components/customers/customer-fields";
import { queryKeys } from "@/components/query-keys";
import { Button } from "@/components/ui/button";
import { Card, Notice } from "@/components/ui/card";
import { registerCustomerAction } from "./actions";
import { commandIdFor, emptyCustomerValues, idle, type CustomerFormValues, type FormState } from "./form-state";

/** Register a customer (server action); on an error every typed value stays in place. */
export function RegisterForm({ commandId }: { commandId: string }) {
  const [state, action, pending] = useActionState<FormState<CustomerFormValues>, FormData>(registerCustomerAction, idle);
  const queryClient = useQueryClient();
  const savedAt = state.status === "saved" ? state.at : 0;
  useEffect(() => {
    if (savedAt) {
      void queryClient.invalidateQueries({ queryKey: queryKeys.customers });
      void queryClient.invalidateQueries({ queryKey: queryKeys.cities });
    }
  }, [savedAt, queryClient]);

  const values = state.status === "error" ? state.values : emptyCustomerValues;
  const fieldErrors = state.status === "error" && state.error.code === "validation_failed" ? state.error.fieldErrors : undefined;
  return (
    <Card className="p-4">
      <h2 id="register-heading" className="mb-3 text-lg font-semibold">
        Register a customer
      </h2>
      <form action={action} noValidate className="space-y-4" aria-describedby="register-status">
        <input type="hidden" name="commandId" value={commandIdFor(state, commandId)} />
        <CustomerFields idPrefix="register" values={values} fieldErrors={fieldErrors} />
        <div id="register-status" aria-live="polite">
          {state.status === "saved" ? (
            <Notice tone="success">
              {state.message}.{" "}
              <Link href={`/customers/${state.id}`} className="font-medium underline">
                Open
              </Link>
            </Notice>
          ) : state.status === "error" ? (
            <Notice tone="error">{state.error.message}</Notice>
          ) : null}
        </div>
        <Button type="submit" disabled={pending} className="w-full">
          {pending ? "Registering…" : "Register"}
        </Button>
      </form>
    </Card>
  );
}
