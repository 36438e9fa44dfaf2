import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { commandFailed, validationFailed } from "./form-result";
import { commandIdFor, idle, type FormState } from "./form-state";

type Conflict = Parameters<typeof commandFailed>[0] & { code: "version_conflict" };

describe("form results", () => {
  it("puts every validation message beside its field, keeping the typed values and key", () => {
    const parsed = z.object({ address: z.object({ city: z.string().min(1, "City is required") }) }).safeParse({ address: { city: "" } });
    assert.equal(parsed.success, false);
    const state = validationFailed(parsed.error!, { city: "" }, "k1");
    assert.equal(state.status, "error");
    if (state.status !== "error") return;
    assert.deepEqual(state.error, { code: "validation_failed", message: "Check the highlighted fields", fieldErrors: { "address.city": ["City is required"] } });
    assert.deepEqual(state.values, { city: "" });
    assert.equal(state.commandId, "k1");
  });

  it("says what changed since the form was loaded on a version conflict", () => {
    const conflict = {
      code: "version_conflict",
      message: "x",
      expectedVersion: 1,
      actualVersion: 2,
      eventsSince: [
        {
          version: 2,
          type: "CustomerRenamed",
          timestamp: "2025-01-01T00:00:00.000Z",
          data: { oldName: "Ada", newName: "Grace" },
          metadata: { actor: "api" },
        },
      ],
    } as unknown as Conflict;
    const state = commandFailed(conflict, { name: "Ada L" });
    assert.equal(state.status, "error");
    if (state.status !== "error") return;
    assert.deepEqual(state.error, {
      code: "version_conflict",
      message: "Changed since you opened it",
      expectedVersion: 1,
      actualVersion: 2,
      eventsSince: [{ version: 2, type: "CustomerRenamed", timestamp: "2025-01-01T00:00:00.000Z", actor: "api", changes: ['name: "Ada" → "Grace"'] }],
    });
    assert.deepEqual(state.values, { name: "Ada L" });
  });

  it("gives a domain refusal its message", () => {
    const state = commandFailed({ code: "customer_archived" }, { reason: "" });
    assert.equal(state.status === "error" && state.error.code, "customer_archived");
    assert.ok(state.status === "error" && state.error.message.length > 0);
  });

  it("reuses a failed command's key and takes a fresh one after a success", () => {
    const failed: FormState<object> = { status: "error", error: { code: "not_found", message: "" }, values: {}, at: 0, commandId: "k1" };
    const saved: FormState<object> = { status: "saved", id: "c", version: 2, unchanged: false, message: "", at: 0, nextCommandId: "k2" };
    assert.equal(commandIdFor(idle, "k0"), "k0");
    assert.equal(commandIdFor(failed, "k0"), "k1");
    assert.equal(commandIdFor(saved, "k0"), "k2");
  });
});
