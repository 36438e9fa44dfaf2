"use server";

import { revalidatePath } from "next/cache";
import { v7 as uuidv7 } from "uuid";
import { archiveCustomer, changeCustomerContact, editCustomer, eraseCustomer, loadCustomer, registerCustomer } from "@/lib/commands/customer";
import { conflictDetails } from "@/lib/commands/conflict";
import { customerIdOf, customerStreamId } from "@/lib/domain/customer/events";
import { archiveCustomerInput, changeContactInput, editCustomerInput, eraseCustomerInput, registerCustomerInput } from "@/lib/domain/customer/schema";
import {
  commandIdOf,
  contactValuesOf,
  customerFormValues,
  customerInputOf,
  customerValuesOf,
  editSubmissionOf,
  formText,
  type ContactFormValues,
  type EditSubmission,
  type CustomerFormValues,
  type RegisterFormValues,
} from "@/lib/forms/customer-form";
import { commandFailed, errorState, validationFailed } from "@/lib/forms/form-result";
import type { ArchiveFormValues, ConflictMerge, FormState } from "@/lib/forms/form-state";
import { applyChoices, withUndecided, type MergeField } from "@/lib/forms/merge";
import { getApp } from "@/lib/server/app";
import { authorizeAction } from "@/lib/server/identity";

/** How long a form waits for the read tables to show its change before answering. */
const READ_YOUR_WRITES_MS = 2000;

type CustomerFormState = FormState<CustomerFormValues>;

/** Read-your-writes: the list and dashboard show the change as soon as the form says "saved". */
async function afterWrite(position: number | null, paths: string[]) {
  if (position !== null) {
    const { projections } = await getApp();
    await projections.waitFor(position, READ_YOUR_WRITES_MS);
  }
  for (const path of paths) revalidatePath(path);
}

function saved(id: string, version: number, unchanged: boolean, message: string) {
  return { status: "saved", id, version, unchanged, message, at: Date.now(), nextCommandId: uuidv7() } as const;
}

export async function registerCustomerAction(_prev: FormState<RegisterFormValues>, formData: FormData): Promise<FormState<RegisterFormValues>> {
  const { actor } = await authorizeAction("registerCustomerAction");
  const contact = contactValuesOf(formData);
  const values = { ...customerValuesOf(formData), ...contact };
  const commandId = commandIdOf(formData);
  const parsed = registerCustomerInput.safeParse({ ...customerInputOf(values), ...contact });
  if (!parsed.success) return validationFailed(parsed.error, values, commandId);

  const { store } = await getApp();
  const result = await registerCustomer(parsed.data, { store, actor, commandId });
  if (!result.ok) return commandFailed(result.error, values, commandId);

  await afterWrite(result.position, ["/customers", "/"]);
  return saved(customerIdOf(result.streamId) ?? result.id, result.version, result.unchanged, `Registered ${parsed.data.name}`);
}

/**
 * Save an edit at the version the form was loaded at. A stale one answers with the three-way
 * merge's inputs (the base, the customer now, what was typed) and refreshes the page, so the
 * header and the Record card show the current version; the form decides the clashes (merge.ts).
 * A resubmission must carry a choice for each clash, or nothing is saved.
 */
export async function editCustomerAction(id: string, prev: CustomerFormState, formData: FormData): Promise<CustomerFormState> {
  const { actor } = await authorizeAction("editCustomerAction");
  const form = editSubmissionOf(formData);
  const { store } = await getApp();
  if (form.review) return (await reviewEdit(store, id, form)) ?? prev;

  const decided = applyChoices(form.values, form.initial, form.clashes, form.choices);
  if (!decided.ok) {
    // Only a tampered or half-sent form gets here: the Save buttons wait for every choice.
    if (prev.status === "error" && prev.error.code === "version_conflict") return { ...prev, at: Date.now() };
    const fieldErrors = Object.fromEntries(decided.undecided.map((field) => [inputName(field), ["Choose mine or theirs"]]));
    return errorState({ code: "validation_failed", message: "Decide each field you both changed", fieldErrors }, form.values, form.commandId);
  }
  const parsed = editCustomerInput.safeParse({ ...customerInputOf(decided.values), expectedVersion: form.expectedVersion });
  if (!parsed.success) return validationFailed(parsed.error, decided.values, form.commandId);

  const ctx = { store, actor, expectedVersion: parsed.data.expectedVersion, commandId: form.commandId };
  const result = await editCustomer(id, parsed.data, ctx);
  if (!result.ok) {
    const stale = ["version_conflict", "customer_archived", "customer_erased"].includes(result.error.code);
    if (stale) revalidatePath(`/customers/${id}`);
    const merge = result.error.code === "version_conflict" ? await conflictMerge(store, id, form.initial) : undefined;
    return commandFailed(result.error, decided.values, form.commandId, merge);
  }

  await afterWrite(result.position, ["/customers", `/customers/${id}`, "/"]);
  return saved(id, result.version, result.unchanged, result.unchanged ? "Nothing changed" : `Saved as version ${result.version}`);
}

const inputName = (field: MergeField) => (field === "name" ? "name" : `address.${field}`);

type Store = Awaited<ReturnType<typeof getApp>>["store"];

/** The merge's other inputs: the customer as it is now, and whether it can still be edited. */
async function conflictMerge(store: Store, id: string, base: CustomerFormValues): Promise<ConflictMerge | undefined> {
  const { state } = await loadCustomer(store, id);
  if (state.status === "unregistered") return undefined;
  return { base, theirs: customerFormValues(state), version: state.version, standing: state.erased ? "erased" : state.status };
}

/** "Review" (the live warning's button): the conflict a save would meet now, with nothing saved. */
async function reviewEdit(store: Store, id: string, form: EditSubmission): Promise<CustomerFormState | null> {
  const { state } = await loadCustomer(store, id);
  if (state.status === "unregistered" || !Number.isInteger(form.expectedVersion) || state.version <= form.expectedVersion) return null;
  // A clash still undecided from an earlier conflict stays a clash: its base is nobody's value.
  const base = withUndecided(form.initial, form.clashes.filter((field) => !form.choices[field]));
  const decided = applyChoices(form.values, form.initial, form.clashes.filter((field) => form.choices[field]), form.choices);
  const values = decided.ok ? decided.values : form.values;
  const conflict = await conflictDetails(store, customerStreamId(id), form.expectedVersion, state.version);
  revalidatePath(`/customers/${id}`);
  return commandFailed(conflict, values, form.commandId, {
    base,
    theirs: customerFormValues(state),
    version: state.version,
    standing: state.erased ? "erased" : state.status,
  });
}

export async function archiveCustomerAction(
  id: string,
  _prev: FormState<ArchiveFormValues>,
  formData: FormData,
): Promise<FormState<ArchiveFormValues>> {
  const { actor } = await authorizeAction("archiveCustomerAction");
  const values = { reason: formText(formData, "reason") };
  const commandId = commandIdOf(formData);
  const parsed = archiveCustomerInput.safeParse({ reason: values.reason, expectedVersion: Number(formText(formData, "expectedVersion")) });
  if (!parsed.success) return validationFailed(parsed.error, values, commandId);

  const { store } = await getApp();
  const ctx = { store, actor, expectedVersion: parsed.data.expectedVersion, commandId };
  const result = await archiveCustomer(id, { reason: parsed.data.reason }, ctx);
  if (!result.ok) return commandFailed(result.error, values, commandId);

  await afterWrite(result.position, ["/customers", `/customers/${id}`, "/"]);
  return saved(id, result.version, false, "Archived");
}

export async function changeContactAction(
  id: string,
  _prev: FormState<ContactFormValues>,
  formData: FormData,
): Promise<FormState<ContactFormValues>> {
  const { actor } = await authorizeAction("changeContactAction");
  const values = contactValuesOf(formData);
  const commandId = commandIdOf(formData);
  const parsed = changeContactInput.safeParse({ ...values, expectedVersion: Number(formText(formData, "expectedVersion")) });
  if (!parsed.success) return validationFailed(parsed.error, values, commandId);

  const { store } = await getApp();
  const ctx = { store, actor, expectedVersion: parsed.data.expectedVersion, commandId };
  const result = await changeCustomerContact(id, { email: parsed.data.email, phone: parsed.data.phone }, ctx);
  if (!result.ok) return commandFailed(result.error, values, commandId);

  await afterWrite(result.position, ["/customers", `/customers/${id}`, "/"]);
  return saved(id, result.version, result.unchanged, result.unchanged ? "Nothing changed" : `Contact details saved as version ${result.version}`);
}

/** Admin only (ACTION_RULES): erase the customer's personal data by deleting its key. */
type EraseFormState = FormState<{ reason: string }>;

export async function eraseCustomerAction(id: string, _prev: EraseFormState, formData: FormData): Promise<EraseFormState> {
  const { actor } = await authorizeAction("eraseCustomerAction");
  const values = { reason: formText(formData, "reason") };
  const commandId = commandIdOf(formData);
  const parsed = eraseCustomerInput.safeParse({ reason: values.reason });
  if (!parsed.success) return validationFailed(parsed.error, values, commandId);

  const { store } = await getApp();
  const result = await eraseCustomer(id, { reason: parsed.data.reason }, { store, actor, commandId });
  if (!result.ok) return commandFailed(result.error, values, commandId);

  await afterWrite(result.position, ["/customers", `/customers/${id}`, "/"]);
  return saved(id, result.version, false, "Personal data erased");
}
