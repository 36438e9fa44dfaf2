import assert from "node:assert/strict";
import { it } from "node:test";
import { InvalidAppendError, InvalidCursorError, VersionConflictError } from "@/lib/eventstore";
import { VersionOutOfRangeError } from "@/lib/timeline/errors";
import { isLedgerError, LedgerError } from "./errors";

it("LedgerError: each subclass carries its code and name; instanceof is structural", () => {
  const conflict = new VersionConflictError("Customer-1", 2, 3);
  assert.equal(conflict.code, "version_conflict");
  assert.equal(conflict.name, "VersionConflictError");
  assert.ok(conflict instanceof VersionConflictError && conflict instanceof LedgerError && conflict instanceof Error);
  assert.ok(!(conflict instanceof InvalidAppendError) && !(conflict instanceof InvalidCursorError));
  // What another copy of the module throws: same name and code, another class.
  class Copy extends Error {
    readonly code = "version_conflict";
    constructor() {
      super("conflict");
      this.name = "VersionConflictError";
    }
  }
  assert.ok(new Copy() instanceof VersionConflictError);
  assert.ok(!(Object.assign(new Error("x"), { code: "version_conflict" }) instanceof VersionConflictError));
  assert.ok(!(new Error("x") instanceof LedgerError));
});

it("isLedgerError: any LedgerError, or one with a given code", () => {
  const error = new VersionOutOfRangeError("Customer-1", 9, 3);
  assert.ok(isLedgerError(error));
  assert.ok(isLedgerError(error, "version_out_of_range"));
  assert.ok(!isLedgerError(error, "not_found"));
  assert.ok(!isLedgerError(new Error("plain")));
  assert.ok(!isLedgerError({ code: "not_found" }));
});
