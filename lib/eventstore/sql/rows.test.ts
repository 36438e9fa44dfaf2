import { it } from "node:test";
import assert from "node:assert/strict";
import { isoTimestamp } from "./rows";

/** PostgreSQL's text of a timestamptz in a UTC session (DateStyle ISO): trailing zeros of the fraction trimmed. */
const pgText = (date: Date, micros: number) => {
  const iso = date.toISOString();
  const fraction = String(date.getUTCMilliseconds() * 1000 + micros).padStart(6, "0").replace(/0+$/, "");
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ""}+00`;
};

it("isoTimestamp writes PostgreSQL's UTC text exactly as Date#toISOString does", () => {
  const cases: [Date, number][] = [
    [new Date("2026-12-01T07:06:44.000Z"), 0],
    [new Date("2026-12-01T07:06:44.000Z"), 7],
    [new Date("2026-12-01T07:06:44.100Z"), 0],
    [new Date("2026-12-01T07:06:44.120Z"), 0],
    [new Date("2026-12-01T07:06:44.123Z"), 456],
    [new Date("1999-12-31T23:59:59.999Z"), 999],
    [new Date("2000-02-29T00:00:00.001Z"), 0],
  ];
  for (let i = 0; i < 200; i++) cases.push([new Date(Math.floor(Math.random() * 4_000_000_000_000)), Math.floor(Math.random() * 1000)]);
  for (const [date, micros] of cases) {
    const text = pgText(date, micros);
    assert.equal(isoTimestamp(text), new Date(text).toISOString(), text);
    assert.equal(isoTimestamp(text), date.toISOString(), text);
  }
});

it("isoTimestamp falls back to Date for anything but UTC ISO text", () => {
  assert.equal(isoTimestamp("2026-12-01 08:06:44.5+01"), "2026-12-01T07:06:44.500Z");
  assert.equal(isoTimestamp("2026-12-01 02:06:44.5-05"), "2026-12-01T07:06:44.500Z");
  assert.equal(isoTimestamp("2026-12-01 12:36:44.5+05:30"), "2026-12-01T07:06:44.500Z");
  assert.equal(isoTimestamp(new Date("2026-12-01T07:06:44.5Z")), "2026-12-01T07:06:44.500Z");
  assert.equal(isoTimestamp("2026-12-01T07:06:44.500Z"), "2026-12-01T07:06:44.500Z");
  assert.throws(() => isoTimestamp("not a time"), RangeError);
});
