"use server";

import { revalidatePath } from "next/cache";
import { v7 as uuidv7 } from "uuid";
import { archiveCustomer, editCustomer, loadCustomer, registerCustomer, type CustomerCommandResult } from "@/lib/commands/customer";
import { customerErrorMessages } from "@/lib/domain/customer/errors";
import { customerIdOf } from "@/lib/domain/customer/events";
import { archiveCustomerInput, editCustomerInput, fieldErrorsOf, registerCustomerInput } from "@/lib/domain/customer/schema";
import { describeEvent } from "@/lib/queries/events";
import { getApp } from "@/lib/server/app";
import type { ArchiveFormValues, CustomerFormValues, FormError, FormState } from "./form-state";

/** Who the UI's commands are recorded as (there are no user accounts). */
const ACTOR = "web";
/** How long a form waits for the read tables to show its change before answering. */
const READ_YOUR_WRITES_MS = 2000;
const COMMAND_ID = /^[\x21-\x7e]{1,200}$/;

type CustomerFormState = FormState<CustomerFormValues>;

/** A form field as typed; a missing field or a file is "". */
const text = (formData: FormData, key: string) => {
  const value = formData.get(key);
  return typeof value === "string" ? value : "";
};

function customerValues(formData: FormData): CustomerFormValues {
  return {
    name: text(formData, "name"),
    street: text(formData, "address.street"),
    city: text(formData, "address.city"),
    region: text(formData, "address.region"),
    postalCode: text(formData, "address.postalCode"),
    country: text(formData, "address.country"),
  };
}

const addressOf = (v: CustomerFormValues) => ({
  street: v.street,
  city: v.city,
  region: v.region,
  postalCode: v.postalCode,
  country: v.country,
});

/** The form's idempotency key: a double submit of one rendering of a form appends once. */
function commandIdOf(formData: FormData): string | undefined {
  const id = text(formData, "commandId");
  return COMMAND_ID.test(id) ? id : undefined;
}

function error<V>(err: FormError, values: V, commandId?: string): FormState<V> {
  return { status: "error", error: err, values, at: Date.now(), commandId };
}

function failure<V>(result: Extract<CustomerCommandResult, { ok: false }>, values: V, commandId?: string): FormState<V> {
  const e = result.error;
  if (e.code === "version_conflict") {
    return error(
      {
        code: "version_conflict",
        message: "Changed since you opened it",
        expectedVersion: e.expectedVersion,
        actualVersion: e.actualVersion,
        eventsSince: e.eventsSince.map((event) => ({
          version: event.version,
          type: event.type,
          timestamp: event.timestamp,
          actor: event.metadata.actor,
          changes: describeEvent(event),
        })),
      },
      values,
      commandId,
    );
  }
  return error({ code: e.code, message: customerErrorMessages[e.code] }, values, commandId);
}

/** Read-your-writes: the list and dashboard show the change as soon as the form says "saved". */
async function afterWrite(position: number | null, paths: string[]) {
  if (position !== null) {
    const { projections } = await getApp();
    await projections.waitFor(position, READ_YOUR_WRITES_MS);
  }
  for (const path of paths) revalidatePath(path);
}

export async function registerCustomerAction(_prev: CustomerFormState, formData: FormData): Promise<CustomerFormState> {
  const values = customerValues(formData);
  const parsed = registerCustomerInput.safeParse({ name: values.name, address: addressOf(values) });
  if (!parsed.success) {
    return error({ code: "validation_failed", message: "Check the highlighted fields", fieldErrors: fieldErrorsOf(parsed.error) }, values, commandIdOf(formData));
  }
  const { store } = await getApp();
  const result = await registerCustomer(parsed.data, { store, actor: ACTOR, commandId: commandIdOf(formData) });
  if (!result.ok) return failure(result, values, commandIdOf(formData));
  await afterWrite(result.position, ["/customers", "/"]);
  const id = customerIdOf(result.streamId) ?? result.id;
  return {
    status: "saved",
    id,
    version: result.version,
    unchanged: result.unchanged,
    message: `Registered ${parsed.data.name}`,
    at: Date.now(),
    nextCommandId: uuidv7(),
  };
}

/** The values the form was loaded with (hidden `initial.*` fields): what the user did not touch. */
function initialValues(formData: FormData): CustomerFormValues {
  const get = (key: string) => text(formData, `initial.${key}`);
  return {
    name: get("name"),
    street: get("address.street"),
    city: get("address.city"),
    region: get("address.region"),
    postalCode: get("address.postalCode"),
    country: get("address.country"),
  };
}

/**
 * "Apply my edits on top": the fields the user changed (typed ≠ loaded) over the customer as it
 * is now, so that someone else's change to a field this user did not touch survives.
 */
function mergeOnTop(typed: CustomerFormValues, initial: CustomerFormValues, current: CustomerFormValues): CustomerFormValues {
  const out = { ...current };
  for (const key of Object.keys(typed) as (keyof CustomerFormValues)[]) {
    if (typed[key].trim() !== initial[key].trim()) out[key] = typed[key];
  }
  return out;
}

export async function editCustomerAction(id: string, _prev: CustomerFormState, formData: FormData): Promise<CustomerFormState> {
  const values = customerValues(formData);
  const commandId = commandIdOf(formData);
  const { store } = await getApp();
  let submitted = values;
  let expectedVersion = Number(text(formData, "expectedVersion"));
  const onTop = text(formData, "applyOnTopOf");
  if (onTop) {
    expectedVersion = Number(onTop);
    const { state } = await loadCustomer(store, id);
    if (state.status !== "unregistered") {
      submitted = mergeOnTop(values, initialValues(formData), {
        name: state.name,
        street: state.address.street,
        city: state.address.city,
        region: state.address.region ?? "",
        postalCode: state.address.postalCode ?? "",
        country: state.address.country ?? "",
      });
    }
  }
  const parsed = editCustomerInput.safeParse({ name: submitted.name, address: addressOf(submitted), expectedVersion });
  if (!parsed.success) {
    return error({ code: "validation_failed", message: "Check the highlighted fields", fieldErrors: fieldErrorsOf(parsed.error) }, values, commandId);
  }
  const result = await editCustomer(id, parsed.data, { store, actor: ACTOR, expectedVersion: parsed.data.expectedVersion, commandId });
  if (!result.ok) return failure(result, values, commandId);
  await afterWrite(result.position, ["/customers", `/customers/${id}`, "/"]);
  return {
    status: "saved",
    id,
    version: result.version,
    unchanged: result.unchanged,
    message: result.unchanged ? "Nothing changed" : `Saved as version ${result.version}`,
    at: Date.now(),
    nextCommandId: uuidv7(),
  };
}

export async function archiveCustomerAction(
  id: string,
  _prev: FormState<ArchiveFormValues>,
  formData: FormData,
): Promise<FormState<ArchiveFormValues>> {
  const values = { reason: text(formData, "reason") };
  const parsed = archiveCustomerInput.safeParse({ reason: values.reason, expectedVersion: Number(text(formData, "expectedVersion")) });
  if (!parsed.success) {
    return error({ code: "validation_failed", message: "Check the highlighted fields", fieldErrors: fieldErrorsOf(parsed.error) }, values, commandIdOf(formData));
  }
  const { store } = await getApp();
  const result = await archiveCustomer(id, { reason: parsed.data.reason }, {
    store,
    actor: ACTOR,
    expectedVersion: parsed.data.expectedVersion,
    commandId: commandIdOf(formData),
  });
  if (!result.ok) return failure(result, values, commandIdOf(formData));
  await afterWrite(result.position, ["/customers", `/customers/${id}`, "/"]);
  return { status: "saved", id, version: result.version, unchanged: false, message: "Archived", at: Date.now(), nextCommandId: uuidv7() };
}
