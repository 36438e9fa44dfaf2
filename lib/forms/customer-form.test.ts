import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  commandIdOf,
  customerFormValues,
  customerInputOf,
  customerValuesOf,
  editSubmissionOf,
  emptyCustomerValues,
  formText,
  initialValuesOf,
  type CustomerFormValues,
} from "./customer-form";
import { threeWayMerge } from "./merge";

const form = (fields: Record<string, string | Blob>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
};

const ada: CustomerFormValues = { name: "Ada", street: "1 Main St", city: "Oslo", region: "", postalCode: "0150", country: "NO" };

const fieldsOf = (v: CustomerFormValues, prefix = "") => ({
  [`${prefix}name`]: v.name,
  [`${prefix}address.street`]: v.street,
  [`${prefix}address.city`]: v.city,
  [`${prefix}address.region`]: v.region,
  [`${prefix}address.postalCode`]: v.postalCode,
  [`${prefix}address.country`]: v.country,
});

describe("reading a form", () => {
  it("reads every field as typed, whitespace included", () => {
    assert.deepEqual(customerValuesOf(form(fieldsOf({ ...ada, name: "  Ada " }))), { ...ada, name: "  Ada " });
  });

  it("reads a missing field or a file as empty text", () => {
    const data = form({ name: new Blob(["x"]), "address.city": "Oslo" });
    assert.equal(formText(data, "name"), "");
    assert.deepEqual(customerValuesOf(data), { ...emptyCustomerValues, city: "Oslo" });
  });

  it("reads the loaded values from the initial.* copy", () => {
    const data = form({ ...fieldsOf(ada), ...fieldsOf({ ...ada, city: "Bergen" }, "initial.") });
    assert.deepEqual(initialValuesOf(data), { ...ada, city: "Bergen" });
    assert.deepEqual(customerValuesOf(data), ada);
  });
});

describe("the idempotency key", () => {
  it("keeps a printable key", () => assert.equal(commandIdOf(form({ commandId: "0192-abc" })), "0192-abc"));
  it("drops an empty, spaced, non-ASCII or over-long key", () => {
    for (const bad of ["", "a b", "é", "x".repeat(201)]) assert.equal(commandIdOf(form({ commandId: bad })), undefined, bad);
    assert.equal(commandIdOf(form({})), undefined);
  });
  it("accepts 200 characters", () => assert.equal(commandIdOf(form({ commandId: "x".repeat(200) })), "x".repeat(200)));
});

describe("values ↔ domain", () => {
  it("maps values to the domain input: name and a structured address", () => {
    assert.deepEqual(customerInputOf(ada), {
      name: "Ada",
      address: { street: "1 Main St", city: "Oslo", region: "", postalCode: "0150", country: "NO" },
    });
  });

  it("maps a customer to the values an edit form starts from, absent parts as empty text", () => {
    assert.deepEqual(customerFormValues({ name: "Ada", address: { street: "1 Main St", city: "Oslo" } }), {
      ...emptyCustomerValues,
      name: "Ada",
      street: "1 Main St",
      city: "Oslo",
    });
  });

  it("round-trips a customer through the domain input", () => {
    assert.deepEqual(customerFormValues(customerInputOf(ada)), ada);
  });
});

describe("an edit submission", () => {
  it("submits at the version the form was loaded at", () => {
    const s = editSubmissionOf(form({ ...fieldsOf(ada), ...fieldsOf(ada, "initial."), expectedVersion: "3", commandId: "k1" }));
    assert.deepEqual(s, { values: ada, initial: ada, commandId: "k1", expectedVersion: 3, clashes: [], choices: {}, review: false });
  });

  it("reads the clashes a conflict found and the choice made for each; unknown fields and choices are dropped", () => {
    const data = form({ ...fieldsOf(ada), expectedVersion: "5", "choice.street": "theirs", "choice.city": "both", "choice.name": "mine" });
    for (const clash of ["street", "city", "street", "password"]) data.append("clash", clash);
    const s = editSubmissionOf(data);
    assert.deepEqual(s.clashes, ["street", "city"]);
    assert.deepEqual(s.choices, { street: "theirs" });
  });

  it("a review saves nothing", () => {
    assert.equal(editSubmissionOf(form({ intent: "review" })).review, true);
  });

  it("passes a non-numeric version on as NaN for the schema to reject", () => {
    assert.ok(Number.isNaN(editSubmissionOf(form({ expectedVersion: "three" })).expectedVersion));
    assert.equal(editSubmissionOf(form({})).expectedVersion, 0);
  });
});

describe("the merge of a stale edit", () => {
  const loaded = ada;
  const current = { ...ada, city: "Bergen", country: "SE" }; // someone else moved the customer

  it("keeps someone else's change to a field the user did not touch", () => {
    assert.deepEqual(threeWayMerge(loaded, current, { ...loaded, name: "Ada Lovelace" }).values, { ...current, name: "Ada Lovelace" });
  });

  it("never takes the typed value for a field both changed: it is a clash", () => {
    const merge = threeWayMerge(loaded, current, { ...loaded, city: "Trondheim" });
    assert.deepEqual(merge.clashes.map((c) => c.field), ["city"]);
  });

  it("counts a whitespace-only edit as untouched", () => {
    assert.deepEqual(threeWayMerge(loaded, current, { ...loaded, city: " Oslo  " }).values, current);
  });

  it("keeps a changed value as typed, surrounding whitespace included", () => {
    assert.equal(threeWayMerge(loaded, current, { ...loaded, name: " Grace " }).values.name, " Grace ");
  });

  it("clearing a field is a change", () => {
    assert.equal(threeWayMerge(loaded, current, { ...loaded, postalCode: "" }).values.postalCode, "");
  });

  it("with nothing typed, is the current customer", () => {
    assert.deepEqual(threeWayMerge(loaded, current, loaded), { values: current, clashes: [] });
  });
});
