import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { prng } from "@/lib/testing/prng";
import type { CustomerFormValues } from "./customer-form";
import { applyChoices, changedFields, MERGE_FIELDS, resolveMerge, threeWayMerge, withUndecided, type Choices } from "./merge";

const base: CustomerFormValues = { name: "Ada", street: "1 Main St", city: "Oslo", region: "", postalCode: "0150", country: "NO" };

describe("threeWayMerge", () => {
  it("applies a field only you changed and keeps a field only they changed", () => {
    const m = threeWayMerge(base, { ...base, name: "Ada L." }, { ...base, city: "Bergen" });
    assert.deepEqual(m, { values: { ...base, name: "Ada L.", city: "Bergen" }, clashes: [] });
  });

  it("marks a field you both changed to different values as a clash (bug 1: street)", () => {
    const m = threeWayMerge(base, { ...base, street: "221B Baker Street" }, { ...base, street: "12 Baker St." });
    assert.deepEqual(m.clashes, [{ field: "street", base: "1 Main St", theirs: "221B Baker Street", yours: "12 Baker St." }]);
    const undecided = resolveMerge(m, { ...base, street: "221B Baker Street" }, {});
    assert.deepEqual(undecided, { ok: false, undecided: ["street"] });
  });

  it("takes the same change made by both as no clash", () => {
    const m = threeWayMerge(base, { ...base, city: "Bergen" }, { ...base, city: " Bergen " });
    assert.deepEqual(m, { values: { ...base, city: "Bergen" }, clashes: [] });
  });

  it("ignores surrounding whitespace as a change", () => {
    const m = threeWayMerge(base, { ...base, city: "Bergen" }, { ...base, city: " Oslo " });
    assert.deepEqual(m, { values: { ...base, city: "Bergen" }, clashes: [] });
  });

  it("keeps theirs or mine as chosen", () => {
    const theirs = { ...base, street: "A" };
    const m = threeWayMerge(base, theirs, { ...base, street: "B" });
    assert.deepEqual(resolveMerge(m, theirs, { street: "theirs" }), { ok: true, values: theirs });
    assert.deepEqual(resolveMerge(m, theirs, { street: "mine" }), { ok: true, values: { ...base, street: "B" } });
  });

  it("keeps a clash left undecided a clash when the customer changes again", () => {
    const theirs = { ...base, street: "A" };
    const typed = { ...theirs, street: "B" }; // the form after the first conflict, street undecided
    const again = { ...theirs, city: "Bergen" };
    assert.deepEqual(threeWayMerge(theirs, again, typed).clashes, []); // what a plain merge would miss
    assert.deepEqual(threeWayMerge(withUndecided(theirs, ["street"]), again, typed).clashes.map((c) => c.field), ["street"]);
  });

  it("lists what you changed", () => {
    assert.deepEqual(changedFields(base, { ...base, name: "X", country: " NO " }), ["name"]);
  });
});

/* Generated triples over a tiny alphabet, so that equal, changed and clashing fields all occur often. */
const WORDS = ["", "a", "b", "c", " a"];

function generate(seed: number) {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)];
  const values = () => Object.fromEntries(MERGE_FIELDS.map((f) => [f, pick(WORDS)])) as unknown as CustomerFormValues;
  const b = values();
  // Each side keeps a field half of the time, so one-sided changes are common.
  const side = () => Object.fromEntries(MERGE_FIELDS.map((f) => [f, random() < 0.5 ? b[f] : pick(WORDS)])) as unknown as CustomerFormValues;
  const choices: Choices = Object.fromEntries(MERGE_FIELDS.flatMap((f) => (random() < 0.2 ? [] : [[f, pick(["mine", "theirs"] as const)]])));
  return { base: b, theirs: side(), yours: side(), choices };
}

const eq = (a: string, b: string) => a.trim() === b.trim();

describe("threeWayMerge over generated (base, theirs, yours) triples", () => {
  const CASES = 5000;

  it("overwrites their change only where the user chose mine, and never saves with an undecided clash", () => {
    let clashes = 0;
    let saved = 0;
    for (let seed = 1; seed <= CASES; seed++) {
      const { base: b, theirs, yours, choices } = generate(seed);
      const merge = threeWayMerge(b, theirs, yours);
      const result = resolveMerge(merge, theirs, choices);
      const clashFields = merge.clashes.map((c) => c.field);
      clashes += clashFields.length;
      const undecided = clashFields.filter((f) => !choices[f]);
      if (undecided.length) {
        assert.deepEqual(result, { ok: false, undecided }, `seed ${seed}`);
        continue;
      }
      assert.ok(result.ok, `seed ${seed}`);
      saved++;
      for (const f of MERGE_FIELDS) {
        const value: string = result.values[f];
        const theyChanged = !eq(theirs[f], b[f]);
        const youChanged = !eq(yours[f], b[f]);
        // Their value is replaced only by the user's own choice of "mine".
        if (!eq(value, theirs[f])) assert.ok(youChanged && (!theyChanged || choices[f] === "mine"), `seed ${seed} ${f}: their ${JSON.stringify(theirs[f])} lost`);
        // Your change is dropped only by your own choice of "theirs" (or when both agree).
        if (youChanged && !eq(value, yours[f])) assert.ok(theyChanged && choices[f] === "theirs", `seed ${seed} ${f}: your ${JSON.stringify(yours[f])} lost`);
        // A field nobody changed keeps its value.
        if (!theyChanged && !youChanged) assert.equal(value, theirs[f]);
        // Every value saved is someone's: never a mix or a stale base someone changed away from.
        assert.ok(value === theirs[f] || value === yours[f], `seed ${seed} ${f}`);
      }
    }
    // The generator does reach the interesting cases.
    assert.ok(clashes > CASES / 2, `clashes: ${clashes}`);
    assert.ok(saved > CASES / 4, `saved: ${saved}`);
  });

  it("gives the same result in two steps (conflict, then a resubmit against theirs) as in one", () => {
    for (let seed = 1; seed <= CASES; seed++) {
      const { base: b, theirs, yours, choices } = generate(seed);
      const merge = threeWayMerge(b, theirs, yours);
      // The form shows merge.values against the new base; the resubmit applies the choices.
      const twoStep = applyChoices(merge.values, theirs, merge.clashes.map((c) => c.field), choices);
      assert.deepEqual(twoStep, resolveMerge(merge, theirs, choices), `seed ${seed}`);
      // And a second merge of the decided values against the same theirs finds no clash.
      if (twoStep.ok) assert.deepEqual(threeWayMerge(theirs, theirs, twoStep.values).clashes, [], `seed ${seed}`);
    }
  });
});
