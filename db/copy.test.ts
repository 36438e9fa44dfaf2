import assert from "node:assert/strict";
import { it } from "node:test";
import { copyField } from "./copy";

it("writes each value as one field of COPY's text format", () => {
  assert.equal(copyField(null), "\\N");
  assert.equal(copyField(undefined), "\\N");
  assert.equal(copyField("\\N"), "\\\\N");
  assert.equal(copyField("a\tb\nc\rd\\e"), "a\\tb\\nc\\rd\\\\e");
  assert.equal(copyField("Zoë 東京"), "Zoë 東京");
  assert.equal(copyField(false), "false");
  assert.equal(copyField(42), "42");
  assert.equal(copyField(new Date("2026-03-04T05:06:07.089Z")), "2026-03-04T05:06:07.089Z");
  assert.equal(copyField({ a: "x\ty" }), '{"a":"x\\\\ty"}');
});
