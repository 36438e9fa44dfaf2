import type { Address } from "@/lib/domain/customer/schema";
import { isMergeField, type Choices, type MergeField } from "./merge";
import type { CustomerFormValues } from "./values";

/*
 * The customer forms' mapping, pure: FormData → typed values → domain input, a customer → the
 * values an edit form starts from, and an edit's submission (the merge is in merge.ts). No Next.js, no I/O.
 */

export type { CustomerFormValues } from "./values";

export const emptyCustomerValues: CustomerFormValues = { name: "", street: "", city: "", region: "", postalCode: "", country: "" };

/** The contact fields of a form, as typed. */
export interface ContactFormValues {
  email: string;
  phone: string;
}

export const contactValuesOf = (formData: FormData): ContactFormValues => ({ email: formText(formData, "email"), phone: formText(formData, "phone") });

/** A customer's contact details as a form shows them: none is "". */
export const contactFormValues = (customer: { email: string | null; phone: string | null }): ContactFormValues => ({
  email: customer.email ?? "",
  phone: customer.phone ?? "",
});

/** What the register form sends: the customer fields and the contact fields. */
export type RegisterFormValues = CustomerFormValues & ContactFormValues;

export const emptyRegisterValues: RegisterFormValues = { ...emptyCustomerValues, email: "", phone: "" };

/** A form's idempotency key: printable ASCII, no spaces, at most 200 characters. */
const COMMAND_ID = /^[\x21-\x7e]{1,200}$/;

/** A form field as typed; a missing field or a file is "". */
export function formText(formData: FormData, key: string): string {
  const value = formData.get(key);
  return typeof value === "string" ? value : "";
}

/** The customer fields of a form; `prefix` reads another copy of them (`initial.`). */
export function customerValuesOf(formData: FormData, prefix = ""): CustomerFormValues {
  const get = (key: string) => formText(formData, `${prefix}${key}`);
  return {
    name: get("name"),
    street: get("address.street"),
    city: get("address.city"),
    region: get("address.region"),
    postalCode: get("address.postalCode"),
    country: get("address.country"),
  };
}

/** The values the form was loaded with (hidden `initial.*` fields): what the user did not touch. */
export const initialValuesOf = (formData: FormData): CustomerFormValues => customerValuesOf(formData, "initial.");

/** The form's idempotency key: a double submit of one rendering of a form appends once. */
export function commandIdOf(formData: FormData): string | undefined {
  const id = formText(formData, "commandId");
  return COMMAND_ID.test(id) ? id : undefined;
}

/** The domain's input shape (before zod): name and address, as typed. */
export function customerInputOf(values: CustomerFormValues): { name: string; address: CustomerFormAddress } {
  return {
    name: values.name,
    address: {
      street: values.street,
      city: values.city,
      region: values.region,
      postalCode: values.postalCode,
      country: values.country,
    },
  };
}

type CustomerFormAddress = Omit<CustomerFormValues, "name">;

/** A customer as an edit form shows it: absent optional address parts are "". */
export function customerFormValues(customer: { name: string; address: Address }): CustomerFormValues {
  return {
    name: customer.name,
    street: customer.address.street,
    city: customer.address.city,
    region: customer.address.region ?? "",
    postalCode: customer.address.postalCode ?? "",
    country: customer.address.country ?? "",
  };
}

/** An edit form's submission, before the clash choices and validation. */
export interface EditSubmission {
  values: CustomerFormValues;
  /** The values the form's base version had (after a conflict: the customer as it was then). */
  initial: CustomerFormValues;
  commandId: string | undefined;
  /** The version the form was loaded at, or the one a conflict answered. */
  expectedVersion: number;
  /** The fields a conflict found both sides changed, and the user's choice for each. */
  clashes: MergeField[];
  choices: Choices;
  /** "Review": show what changed since the form's version, save nothing. */
  review: boolean;
}

export function editSubmissionOf(formData: FormData): EditSubmission {
  const clashes = formData.getAll("clash").filter((v): v is MergeField => typeof v === "string" && isMergeField(v));
  const choices: Choices = {};
  for (const field of clashes) {
    const choice = formText(formData, `choice.${field}`);
    if (choice === "mine" || choice === "theirs") choices[field] = choice;
  }
  return {
    values: customerValuesOf(formData),
    initial: initialValuesOf(formData),
    commandId: commandIdOf(formData),
    expectedVersion: Number(formText(formData, "expectedVersion")),
    clashes: [...new Set(clashes)],
    choices,
    review: formText(formData, "intent") === "review",
  };
}
