import { AddressFieldset } from "./address-fieldset";
import { TextField } from "@/components/ui/field";
import type { FieldErrors } from "@/lib/domain/customer/schema";
import type { CustomerFormValues } from "@/lib/forms/customer-form";

/** Name and structured address, as typed; errors beside each field. */
export function CustomerFields({
  idPrefix,
  values,
  fieldErrors,
  readOnly = false,
}: {
  idPrefix: string;
  values: CustomerFormValues;
  fieldErrors?: FieldErrors;
  readOnly?: boolean;
}) {
  return (
    <div className="space-y-3">
      <TextField id={`${idPrefix}-name`} name="name" label="Name" autoComplete="name" required={!readOnly} defaultValue={values.name} errors={fieldErrors?.name} />
      <AddressFieldset idPrefix={idPrefix} values={values} fieldErrors={fieldErrors} readOnly={readOnly} />
    </div>
  );
}
