import { TextField } from "@/components/ui/field";
import type { FieldErrors } from "@/lib/domain/customer/schema";

export interface AddressValues {
  street: string;
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

interface AddressField {
  key: keyof AddressValues;
  label: string;
  autoComplete: string;
  required: boolean;
}

/** The address inputs in form order: street on its own row, the rest in a two-column grid. */
const ADDRESS_FIELDS: readonly AddressField[] = [
  { key: "street", label: "Street", autoComplete: "street-address", required: true },
  { key: "city", label: "City", autoComplete: "address-level2", required: true },
  { key: "postalCode", label: "Postal code", autoComplete: "postal-code", required: false },
  { key: "region", label: "Region", autoComplete: "address-level1", required: false },
  { key: "country", label: "Country", autoComplete: "country-name", required: false },
];

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
  const addressField = ({ key, label, autoComplete, required }: AddressField) => (
    <TextField
      key={key}
      id={`${idPrefix}-${key}`}
      name={`address.${key}`}
      label={label}
      autoComplete={autoComplete}
      required={required && !readOnly}
      defaultValue={values[key]}
      errors={fieldErrors?.[`address.${key}`]}
    />
  );
  const [street, ...rest] = ADDRESS_FIELDS;
  return (
    <fieldset className="space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      <legend className="px-1 text-sm font-semibold">Address</legend>
      {fieldErrors?.address ? (
        <p className="text-sm text-red-700 dark:text-red-400" aria-live="polite">
          {fieldErrors.address.join(" ")}
        </p>
      ) : null}
      {addressField(street)}
      <div className="grid gap-3 sm:grid-cols-2">{rest.map(addressField)}</div>
    </fieldset>
  );
}
