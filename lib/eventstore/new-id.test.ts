import assert from "node:assert/strict";
import { it } from "node:test";
import { validate, version } from "uuid";
import { newId } from "./new-id";

it("makes valid, distinct UUID v7 ids carrying the time, past many refills of its random pool", () => {
  const before = Date.now();
  const ids = Array.from({ length: 5_000 }, newId); // about twenty pools of 256 ids
  const after = Date.now();
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) {
    assert.ok(validate(id) && version(id) === 7, id);
    const msecs = parseInt(id.replace(/-/g, "").slice(0, 12), 16);
    assert.ok(msecs >= before && msecs <= after, `${id}: ${msecs} outside ${before}–${after}`);
  }
  // The random part differs between consecutive ids (not one pool slice handed out twice).
  const tails = new Set(ids.map((id) => id.slice(-12)));
  assert.equal(tails.size, ids.length);
});
