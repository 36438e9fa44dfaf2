import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { prng } from "./prng";

describe("prng", () => {
  it("gives the same sequence for the same seed (generated data sets stay as they were)", () => {
    const random = prng(42);
    assert.deepEqual([random(), random(), random()], [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });

  it("stays in [0, 1) and differs between seeds", () => {
    const a = prng(1);
    const b = prng(2);
    let same = 0;
    for (let i = 0; i < 1000; i++) {
      const x = a();
      assert.ok(x >= 0 && x < 1);
      if (x === b()) same++;
    }
    assert.ok(same < 5);
  });
});
