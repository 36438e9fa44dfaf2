import { z } from "zod";

/**
 * Input schemas shared by server actions, the HTTP API, forms and the event registry.
 * Strings are trimmed; optional address parts that are blank become absent.
 */
const MAX = 500;

const requiredText = (label: string, max = MAX) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} must be at most ${max} characters`);

const optionalText = (label: string) =>
  z
    .string({ error: `${label} must be text` })
    .trim()
    .max(MAX, `${label} must be at most ${MAX} characters`)
    .optional()
    .nullable()
    .transform((value) => (value ? value : undefined));

export const nameSchema = requiredText("Name", 200);

export const addressSchema = z
  .object(
    {
      street: requiredText("Street"),
      city: requiredText("City"),
      region: optionalText("Region"),
      postalCode: optionalText("Postal code"),
      country: optionalText("Country"),
    },
    { error: "Address must be an object with street and city" },
  )
  .strict()
  .transform(normalizeAddress);

export type Address = {
  street: string;
  city: string;
  region?: string;
  postalCode?: string;
  country?: string;
};

/** Drops absent optional parts so that two equal addresses are equal as JSON too. */
export function normalizeAddress(a: {
  street: string;
  city: string;
  region?: string | undefined;
  postalCode?: string | undefined;
  country?: string | undefined;
}): Address {
  const out: Address = { street: a.street, city: a.city };
  if (a.region) out.region = a.region;
  if (a.postalCode) out.postalCode = a.postalCode;
  if (a.country) out.country = a.country;
  return out;
}

export function sameAddress(a: Address, b: Address): boolean {
  return (
    a.street === b.street &&
    a.city === b.city &&
    (a.region ?? "") === (b.region ?? "") &&
    (a.postalCode ?? "") === (b.postalCode ?? "") &&
    (a.country ?? "") === (b.country ?? "")
  );
}

/**
 * Email: trimmed, a valid address (SPEC §2); blank means "none" (null). Kept as typed apart
 * from the trim: the local part of an address may be case-sensitive.
 */
export const emailSchema = z
  .string({ error: "Email must be text" })
  .trim()
  .max(MAX, `Email must be at most ${MAX} characters`)
  .nullable()
  .transform((value) => (value ? value : null))
  .pipe(z.email({ error: "Email must be a valid address, e.g. ada@example.com" }).nullable());

/** Phone: E.164-like, `+` and 7–15 digits once spaces and dashes are removed (SPEC §2). */
export const phoneSchema = z
  .string({ error: "Phone must be text" })
  .max(MAX, `Phone must be at most ${MAX} characters`)
  .nullable()
  .transform((value) => (value ? value.replace(/[\s-]/g, "") : null))
  .pipe(
    z
      .string()
      .regex(/^\+\d{7,15}$/, "Phone must be + and 7–15 digits, e.g. +47 912 34 567")
      .nullable(),
  );

/** The phone as stored: normalised, or null when blank. Throws nothing; invalid stays as typed. */
export function normalizePhone(value: string | null | undefined): string | null {
  return value ? value.replace(/[\s-]/g, "") || null : null;
}

export const customerIdSchema = z.uuid({ error: "Customer id must be a uuid" });

export const expectedVersionSchema = z
  .number({ error: "expectedVersion must be a whole number" })
  .int("expectedVersion must be a whole number")
  .min(1, "expectedVersion must be at least 1");

export const reasonSchema = z
  .string({ error: "Reason must be text" })
  .trim()
  .max(MAX, `Reason must be at most ${MAX} characters`)
  .optional()
  .nullable()
  .transform((value) => (value ? value : undefined));

export const registerCustomerInput = z
  .object({
    id: customerIdSchema.optional(),
    name: nameSchema,
    address: addressSchema,
    email: emailSchema.optional().transform((v) => v ?? null),
    phone: phoneSchema.optional().transform((v) => v ?? null),
  })
  .strict();

/** Contact change: an absent field keeps its value; null or blank clears it. */
export const changeContactInput = z
  .object({ email: emailSchema.optional(), phone: phoneSchema.optional(), expectedVersion: expectedVersionSchema.optional() })
  .strict();

export const eraseCustomerInput = z
  .object({
    reason: z
      .string({ error: "Reason must be text" })
      .trim()
      .min(1, "A reason is required (e.g. the request's reference)")
      .max(MAX, `Reason must be at most ${MAX} characters`),
    expectedVersion: expectedVersionSchema.optional(),
  })
  .strict();

export const renameCustomerInput = z
  .object({ name: nameSchema, expectedVersion: expectedVersionSchema.optional() })
  .strict();

export const changeAddressInput = z
  .object({ address: addressSchema, expectedVersion: expectedVersionSchema.optional() })
  .strict();

export const archiveCustomerInput = z
  .object({ reason: reasonSchema, expectedVersion: expectedVersionSchema.optional() })
  .strict();

export const editCustomerInput = z
  .object({ name: nameSchema, address: addressSchema, expectedVersion: expectedVersionSchema.optional() })
  .strict();

export type RegisterCustomerInput = z.infer<typeof registerCustomerInput>;
export type EditCustomerInput = z.infer<typeof editCustomerInput>;

/** Field errors keyed by dot path (`address.city`), every message kept. */
export type FieldErrors = Record<string, string[]>;

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_root";
    (out[key] ??= []).push(issue.message);
  }
  return out;
}
