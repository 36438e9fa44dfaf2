import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { resolveView, viewSearch } from "./view";

describe("timeline URL", () => {
  it("uses the latest version when v is missing", () => {
    assert.deepEqual(resolveView({}, 7), { view: { v: 7, a: null, b: null, tab: "state", field: null }, notices: [] });
  });

  it("clamps an out-of-range v and says so", () => {
    const { view, notices } = resolveView({ v: "99" }, 7);
    assert.equal(view.v, 7);
    assert.deepEqual(notices, [{ kind: "clamped", param: "v", requested: 99, shown: 7 }]);
    assert.equal(resolveView({ v: "0" }, 7).view.v, 1);
  });

  it("falls back to the latest version for a malformed v", () => {
    const { view, notices } = resolveView({ v: "3abc" }, 7);
    assert.equal(view.v, 7);
    assert.equal(notices[0]?.kind, "invalid");
  });

  it("orders a and b, and drops a comparison of one version with itself", () => {
    assert.deepEqual([resolveView({ a: "7", b: "2" }, 7).view.a, resolveView({ a: "7", b: "2" }, 7).view.b], [2, 7]);
    const same = resolveView({ a: "3", b: "3" }, 7);
    assert.equal(same.view.a, null);
    assert.equal(same.notices[0]?.kind, "compare-dropped");
  });

  it("keeps tab and pinned field, and rejects unknown ones", () => {
    assert.deepEqual(resolveView({ v: "2", tab: "why", field: "address.city" }, 7).view, { v: 2, a: null, b: null, tab: "why", field: "address.city" });
    const bad = resolveView({ tab: "nope", field: "address.zip" }, 7);
    assert.equal(bad.view.tab, "state");
    assert.equal(bad.view.field, null);
    assert.equal(bad.notices.length, 2);
  });

  it("round-trips through the query string", () => {
    const view = { v: 3, a: 1, b: 7, tab: "why" as const, field: "name" as const };
    const params = Object.fromEntries(new URLSearchParams(viewSearch(view)));
    assert.deepEqual(resolveView(params, 7).view, view);
  });
});
