import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { customerDecider } from "@/lib/commands/customer";
import { DeciderSpecification } from "@/lib/testing/decider-spec";
import { address, addressUpdated, archived, contactChanged, erased, registered, renamed } from "./builders";
import { customerStreamId } from "./ids";
import { changeContactInput, editCustomerInput, fieldErrorsOf, registerCustomerInput } from "./schema";

const { given } = DeciderSpecification.for(customerDecider, customerStreamId("00000000-0000-7000-8000-000000000001"));

const oslo = address({ street: "Karl Johans gate 1", city: "Oslo", country: "NO" });
const ID = "01900000-0000-7000-8000-000000000001";

describe("RegisterCustomer", () => {
  it("emits CustomerRegistered for a new stream", () => {
    given()
      .when({ type: "RegisterCustomer", id: ID, name: "Ada Lovelace", address: address() })
      .then([registered()]);
  });
  it("rejects a second registration with already_exists", () => {
    given(registered())
      .when({ type: "RegisterCustomer", id: ID, name: "Ada Lovelace", address: address() })
      .thenError("already_exists");
  });
  it("rejects registering an archived customer's id with already_exists", () => {
    given(registered(), archived())
      .when({ type: "RegisterCustomer", id: ID, name: "Grace", address: address() })
      .thenError("already_exists");
  });
});

describe("RenameCustomer", () => {
  it("emits CustomerRenamed with the old and new name", () => {
    given(registered()).when({ type: "RenameCustomer", name: "Ada King" }).then([renamed("Ada King")]);
  });
  it("rejects an unknown customer with not_found", () => {
    given().when({ type: "RenameCustomer", name: "Grace" }).thenError("not_found");
  });
  it("rejects rename of an archived customer with customer_archived", () => {
    given(registered(), archived()).when({ type: "RenameCustomer", name: "Grace" }).thenError("customer_archived");
  });
  it("stays quiet when the name is the same", () => {
    given(registered()).when({ type: "RenameCustomer", name: "Ada Lovelace" }).thenNothing();
  });
  it("is idempotent: the same rename after its events changes nothing", () => {
    given(registered()).when({ type: "RenameCustomer", name: "Countess" }).thenIdempotent();
  });
  it("uses the latest name as oldName after several renames", () => {
    given(registered(), renamed("B"), renamed("C", "B"))
      .when({ type: "RenameCustomer", name: "D" })
      .then([renamed("D", "C")]);
  });
});

describe("ChangeCustomerAddress", () => {
  it("emits CustomerAddressUpdated with old and new address", () => {
    given(registered()).when({ type: "ChangeCustomerAddress", address: oslo }).then([addressUpdated(oslo)]);
  });
  it("rejects an unknown customer with not_found", () => {
    given().when({ type: "ChangeCustomerAddress", address: oslo }).thenError("not_found");
  });
  it("rejects an archived customer with customer_archived", () => {
    given(registered(), archived()).when({ type: "ChangeCustomerAddress", address: oslo }).thenError("customer_archived");
  });
  it("stays quiet when the address is the same", () => {
    given(registered()).when({ type: "ChangeCustomerAddress", address: address() }).thenNothing();
  });
  it("treats blank optional parts as absent when comparing", () => {
    const parsed = registerCustomerInput.parse({
      name: "Ada Lovelace",
      address: { street: " 1 Analytical Row ", city: "London", region: "  ", country: "" },
    });
    given(registered()).when({ type: "ChangeCustomerAddress", address: parsed.address }).thenNothing();
  });
  it("is idempotent over many generated addresses", () => {
    for (let i = 0; i < 50; i++) {
      const next = address({ street: `${i} Street`, city: i % 2 ? "Oslo" : "Bergen", postalCode: i % 3 ? String(i) : undefined });
      given(registered()).when({ type: "ChangeCustomerAddress", address: next }).thenIdempotent();
    }
  });
});

describe("ArchiveCustomer", () => {
  it("emits CustomerArchived with the reason", () => {
    given(registered()).when({ type: "ArchiveCustomer", reason: "duplicate" }).then([archived("duplicate")]);
  });
  it("emits CustomerArchived without a reason", () => {
    given(registered()).when({ type: "ArchiveCustomer" }).then([archived()]);
  });
  it("rejects an unknown customer with not_found", () => {
    given().when({ type: "ArchiveCustomer" }).thenError("not_found");
  });
  it("rejects archiving twice with customer_archived", () => {
    given(registered(), archived()).when({ type: "ArchiveCustomer" }).thenError("customer_archived");
  });
});

describe("edit (rename + change address at once)", () => {
  it("emits both events in order, each against the state left by the previous", () => {
    given(registered())
      .when({ type: "RenameCustomer", name: "Ada King" }, { type: "ChangeCustomerAddress", address: oslo })
      .then([renamed("Ada King"), addressUpdated(oslo)]);
  });
  it("emits only the part that changed", () => {
    given(registered())
      .when({ type: "RenameCustomer", name: "Ada Lovelace" }, { type: "ChangeCustomerAddress", address: oslo })
      .then([addressUpdated(oslo)]);
  });
  it("stays quiet when neither changed", () => {
    given(registered())
      .when({ type: "RenameCustomer", name: "Ada Lovelace" }, { type: "ChangeCustomerAddress", address: address() })
      .thenNothing();
  });
  it("refuses as a whole when archived", () => {
    given(registered(), archived())
      .when({ type: "RenameCustomer", name: "X" }, { type: "ChangeCustomerAddress", address: oslo })
      .thenError("customer_archived");
  });
});

describe("evolve", () => {
  it("folds the history into the current state with version and times", () => {
    const { state } = given(registered(), renamed("B"), addressUpdated(oslo), archived("gone"));
    assert.equal(state.status, "archived");
    assert.equal(state.name, "B");
    assert.deepEqual(state.address, oslo);
    assert.equal(state.version, 4);
    assert.equal(state.archiveReason, "gone");
    assert.equal(state.registeredAt, "2025-01-01T00:00:00.000Z");
    assert.equal(state.updatedAt, "2025-01-01T00:03:00.000Z");
  });
});

describe("input schemas", () => {
  it("trims, and keys nested errors by dot path", () => {
    const result = editCustomerInput.safeParse({ name: "   ", address: { street: "", city: "x".repeat(501) } });
    assert.equal(result.success, false);
    if (result.success) return;
    const errors = fieldErrorsOf(result.error);
    assert.deepEqual(Object.keys(errors).sort(), ["address.city", "address.street", "name"]);
    assert.match(errors["address.city"][0], /at most 500/);
  });
  it("limits names to 200 characters after trimming", () => {
    assert.equal(registerCustomerInput.safeParse({ name: ` ${"a".repeat(200)} `, address: address() }).success, true);
    assert.equal(registerCustomerInput.safeParse({ name: "a".repeat(201), address: address() }).success, false);
  });
  it("rejects unknown fields", () => {
    assert.equal(registerCustomerInput.safeParse({ name: "A", address: address(), extra: 1 }).success, false);
  });
});

describe("ChangeCustomerContact", () => {
  const withContact = registered({ email: "ada@example.test", phone: "+4712345678" });
  it("emits CustomerContactChanged with old and new email and phone", () => {
    given(registered())
      .when({ type: "ChangeCustomerContact", email: "ada@example.test", phone: "+4712345678" })
      .then([contactChanged({ email: "ada@example.test", phone: "+4712345678" })]);
  });
  it("keeps an absent field and clears a null one", () => {
    given(withContact)
      .when({ type: "ChangeCustomerContact", phone: null })
      .then([contactChanged({ email: "ada@example.test", phone: null }, { email: "ada@example.test", phone: "+4712345678" })]);
  });
  it("rejects an unknown customer with not_found and an archived one with customer_archived", () => {
    given().when({ type: "ChangeCustomerContact", email: "a@b.test" }).thenError("not_found");
    given(registered(), archived()).when({ type: "ChangeCustomerContact", email: "a@b.test" }).thenError("customer_archived");
  });
  it("stays quiet when nothing changes", () => {
    given(withContact).when({ type: "ChangeCustomerContact", email: "ada@example.test" }).thenNothing();
  });
  it("is idempotent", () => {
    given(withContact).when({ type: "ChangeCustomerContact", email: "grace@example.test", phone: null }).thenIdempotent();
  });
});

describe("EraseCustomer", () => {
  it("emits CustomerErased with the reason, also for an archived customer", () => {
    given(registered()).when({ type: "EraseCustomer", reason: "GDPR request 42" }).then([erased()]);
    given(registered(), archived()).when({ type: "EraseCustomer", reason: "GDPR request 42" }).then([erased()]);
  });
  it("rejects an unknown customer with not_found", () => {
    given().when({ type: "EraseCustomer", reason: "x" }).thenError("not_found");
  });
  it("after erasure every command is refused with customer_erased", () => {
    for (const command of [
      { type: "RenameCustomer", name: "New" },
      { type: "ChangeCustomerAddress", address: address({ city: "Bergen" }) },
      { type: "ArchiveCustomer" },
      { type: "ChangeCustomerContact", email: null },
      { type: "EraseCustomer", reason: "again" },
    ] as const) {
      given(registered(), erased()).when(command).thenError("customer_erased");
    }
  });
  it("erased state shows the erased marker in every personal field", () => {
    const { state } = given(registered({ email: "a@b.test" }), erased());
    assert.deepEqual(state.status === "active" && [state.name, state.address.street, state.email, state.phone, state.erased], [
      "[erased]",
      "[erased]",
      "[erased]",
      null,
      true,
    ]);
  });
});

describe("contact input (SPEC §2)", () => {
  it("normalises the phone and refuses a bad email or phone", () => {
    const ok = changeContactInput.safeParse({ email: " ada@example.test ", phone: "+47 912-34 567" });
    assert.deepEqual(ok.success && ok.data, { email: "ada@example.test", phone: "+4791234567" });
    const bad = changeContactInput.safeParse({ email: "not-an-email", phone: "12345" });
    assert.equal(bad.success, false);
    if (!bad.success) assert.deepEqual(Object.keys(fieldErrorsOf(bad.error)).sort(), ["email", "phone"]);
    const cleared = changeContactInput.safeParse({ email: "", phone: null });
    assert.deepEqual(cleared.success && cleared.data, { email: null, phone: null });
  });
});
