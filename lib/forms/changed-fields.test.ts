import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { changedFieldNames } from "./changed-fields";

describe("changedFieldNames", () => {
  it("names the address parts that changed, in words", () => {
    const event = { type: "CustomerAddressUpdated", data: { oldAddress: { street: "1 A St", city: "Oslo" }, newAddress: { street: "1 A St", city: "Oslo", postalCode: "0150" } } };
    assert.deepEqual(changedFieldNames(event), ["postal code"]);
  });

  it("names a rename, a contact change and an archive", () => {
    assert.deepEqual(changedFieldNames({ type: "CustomerRenamed", data: {} }), ["name"]);
    assert.deepEqual(changedFieldNames({ type: "CustomerContactChanged", data: { oldEmail: null, newEmail: "a@b.c", oldPhone: null, newPhone: null } }), ["email"]);
    assert.deepEqual(changedFieldNames({ type: "CustomerArchived", data: { reason: "x" } }), ["archived"]);
  });
});
