"use client";

import Link from "next/link";
import { ContactFields } from "@/components/customers/contact-fields";
import { useCommandForm } from "@/components/customers/use-command-form";
import { CustomerFields } from "@/components/customers/customer-fields";
import { queryKeys } from "@/components/query-keys";
import { Button } from "@/components/ui/button";
import { Card, Notice } from "@/components/ui/card";
import { registerCustomerAction } from "./actions";
import { emptyRegisterValues, type RegisterFormValues } from "@/lib/forms/customer-form";
import { commandIdFor } from "@/lib/forms/form-state";

const INVALIDATE = [queryKeys.customers, queryKeys.cities];

/** Register a customer (server action); on an error every typed value stays in place. */
export function RegisterForm({ commandId }: { commandId: string }) {
  const { state, formAction, pending, values, fieldErrors, formRef, outcomeRef } = useCommandForm<RegisterFormValues>(registerCustomerAction, INVALIDATE);
  return (
    <Card className="p-4">
      <h2 id="register-heading" className="mb-3 text-lg font-semibold">
        Register a customer
      </h2>
      <form ref={formRef} action={formAction} noValidate className="space-y-4" aria-describedby="register-status">
        <input type="hidden" name="commandId" value={commandIdFor(state, commandId)} />
        <CustomerFields idPrefix="register" values={values ?? emptyRegisterValues} fieldErrors={fieldErrors} />
        <ContactFields idPrefix="register" values={values ?? emptyRegisterValues} fieldErrors={fieldErrors} />
        <div id="register-status" ref={outcomeRef} tabIndex={-1} aria-live="polite" className="rounded-md outline-none focus-visible:ring-2 focus-visible:ring-blue-600">
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
