import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidAppendError, InvalidCursorError } from "@/lib/eventstore";
import { ProjectionNotFoundError } from "@/lib/projections/errors";
import { InvalidListCursorError } from "@/lib/queries/customers";
import { StreamNotFoundError, VersionOutOfRangeError } from "@/lib/timeline/errors";
import { errorResponse, HttpError, statusOf, apiError } from "./errors";

const bodyOf = async (response: Response) => (await response.json()) as { error: Record<string, unknown> };

describe("errorResponse", () => {
  it("maps the application's errors to the API's statuses and bodies", async () => {
    const cases: [unknown, number, Record<string, unknown>][] = [
      [new InvalidCursorError("x"), 400, { code: "invalid_cursor", fieldErrors: { after: ['Invalid cursor "x": pass back a cursor returned by readAll'] } }],
      [new InvalidAppendError("bad"), 400, { code: "validation_failed", message: "bad", fieldErrors: { _root: ["bad"] } }],
      [new InvalidListCursorError(), 400, { code: "validation_failed", message: "cursor: cursor is not one this API returned" }],
      [new StreamNotFoundError("Customer-1"), 404, { code: "not_found", message: 'No stream "Customer-1"' }],
      [new ProjectionNotFoundError("p"), 404, { code: "not_found", message: 'No projection named "p"' }],
      [new VersionOutOfRangeError("Customer-1", 9, 3), 400, { code: "validation_failed", version: 9, currentVersion: 3, fieldErrors: { version: ["Version must be between 1 and 3"] } }],
      [{ code: "customer_archived" }, 409, { code: "customer_archived", message: "This customer is archived and can no longer be changed." }],
      [{ code: "not_found" }, 404, { code: "not_found", message: "No customer with this id exists." }],
      [{ code: "version_conflict", message: "m", expectedVersion: 1, actualVersion: 2, eventsSince: [] }, 409, { code: "version_conflict", expectedVersion: 1, actualVersion: 2, eventsSince: [] }],
      [new Error("boom"), 500, { code: "internal_error", message: "Unexpected server error" }],
    ];
    for (const [error, status, expected] of cases) {
      const response = errorResponse(error);
      assert.equal(response.status, status, String(error));
      assert.equal(statusOf(error), status);
      const { error: body } = await bodyOf(response);
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(body[key], value, `${String(error)} ${key}`);
    }
  });
  it("answers an HttpError with its own response", () => {
    const response = apiError("invalid_json", "nope");
    assert.equal(errorResponse(new HttpError(response)), response);
    assert.equal(statusOf(new HttpError(response)), 400);
  });
});
