import { TextField } from "@/components/ui/field";
import type { FieldErrors } from "@/lib/domain/customer/schema";

export interface AddressValues {
  street: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

/** The structured address: street and city required, the rest optional. Names are dot paths. */
export function AddressFieldset({
  idPrefix,
  values,
  fieldErrors,
  readOnly = false,
}: {
  idPrefix: string;
  values: AddressValues;
  fieldErrors?: FieldErrors;
  readOnly?: boolean;
}) {
  const errorsOf = (field: string) => fieldErrors?.[`address.${field}`];
  return (
    <fieldset className="space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      <legend className="px-1 text-sm font-semibold">Address</legend>
      {fieldErrors?.address ? (
        <p className="text-sm text-red-700 dark:text-red-400" aria-live="polite">
          {fieldErrors.address.join(" ")}
        </p>
      ) : null}
      <TextField
        id={`${idPrefix}-street`}
        name="address.street"
        label="Street"
        autoComplete="street-address"
        required={!readOnly}
        defaultValue={values.street}
        errors={errorsOf("street")}
      />
      <div className="grid gap-3 sm:grid-cols-2">
        <TextField
          id={`${idPrefix}-city`}
          name="address.city"
          label="City"
          autoComplete="address-level2"
          required={!readOnly}
          defaultValue={values.city}
          errors={errorsOf("city")}
        />
        <TextField
          id={`${idPrefix}-postalCode`}
          name="address.postalCode"
          label="Postal code"
          autoComplete="postal-code"
          defaultValue={values.postalCode}
          errors={errorsOf("postalCode")}
        />
        <TextField
          id={`${idPrefix}-region`}
          name="address.region"
          label="Region"
          autoComplete="address-level1"
          defaultValue={values.region}
          errors={errorsOf("region")}
        />
        <TextField
          id={`${idPrefix}-country`}
          name="address.country"
          label="Country"
          autoComplete="country-name"
          defaultValue={values.country}
          errors={errorsOf("country")}
        />
      </div>
    </fieldset>
  );
}
