import { TextField } from "@/components/ui/field";
import type { FieldErrors } from "@/lib/domain/customer/schema";

/** Email and phone, both optional; errors beside each. */
export function ContactFields({
  idPrefix,
  values,
  fieldErrors,
  readOnly = false,
}: {
  idPrefix: string;
  values: { email: string; phone: string };
  fieldErrors?: FieldErrors;
  readOnly?: boolean;
}) {
  return (
    <div className="grid gap-3 sm:grid-cols-2">
      <TextField id={`${idPrefix}-email`} name="email" type="email" label="Email" autoComplete="email" readOnly={readOnly} defaultValue={values.email} errors={fieldErrors?.email} />
      <TextField
        id={`${idPrefix}-phone`}
        name="phone"
        type="tel"
        label="Phone"
        autoComplete="tel"
        hint="+ and country code, e.g. +47 912 34 567"
        readOnly={readOnly}
        defaultValue={values.phone}
        errors={fieldErrors?.phone}
      />
    </div>
  );
}
