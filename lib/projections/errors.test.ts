import assert from "node:assert/strict";
import { it } from "node:test";
import { StreamNotFoundError } from "@/lib/timeline/errors";
import { ProjectionNotFoundError } from "./errors";

it("ProjectionNotFoundError: instanceof matches another bundle's copy of the class, and no other not_found error", () => {
  assert.ok(new ProjectionNotFoundError("x") instanceof ProjectionNotFoundError);
  assert.ok(new ProjectionNotFoundError("x") instanceof Error);
  // What a second copy of the module (another Next bundle) throws: same name and code, another class.
  class Copy extends Error {
    readonly code = "not_found" as const;
    constructor() {
      super("No projection named \"x\"");
      this.name = "ProjectionNotFoundError";
    }
  }
  assert.ok(new Copy() instanceof ProjectionNotFoundError);
  // Other errors with the same code are not this one.
  assert.ok(!(new StreamNotFoundError("Customer-1") instanceof ProjectionNotFoundError));
  assert.ok(!(Object.assign(new Error("gone"), { code: "not_found" }) instanceof ProjectionNotFoundError));
  assert.ok(!({ name: "ProjectionNotFoundError", code: "not_found" } instanceof ProjectionNotFoundError));
});
