import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { EVENTS_CHANNEL, notifyAppended } from "./notify";

// Positions no append in these tests reaches, so that only this test's wake-ups are counted.
const BASE = 1_000_000_000_000;
const SPACING_MS = 1_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

await describeEachDatabase("the wake-up NOTIFY after appends", (_kind, create) => {
  let t: TestDatabase;
  before(async () => (t = await create()));
  after(() => t.drop());

  it("starts at most one per spacing, counted from the last one sent, and folds what waits into the highest position", async () => {
    const payloads: number[] = [];
    const unlisten = await t.database.listen(EVENTS_CHANNEL, (payload) => {
      if (Number(payload) >= BASE) payloads.push(Number(payload));
    });
    try {
      const db = t.database.db;
      // Nothing sent for a while: announced at once.
      notifyAppended(db, BASE + 1, SPACING_MS);
      const deadline = Date.now() + 5_000;
      while (payloads.length === 0 && Date.now() < deadline) await sleep(5);
      assert.deepEqual(payloads, [BASE + 1]);

      // The first NOTIFY has finished, but the spacing has not passed: the next appends wait, and
      // go out as one wake-up naming the highest position (one writer appending back to back).
      const waitingSince = Date.now();
      notifyAppended(db, BASE + 2, SPACING_MS);
      notifyAppended(db, BASE + 3, SPACING_MS);
      await sleep(SPACING_MS / 4);
      assert.deepEqual(payloads, [BASE + 1], "a wake-up went out before the spacing had passed");
      while (payloads.length < 2 && Date.now() < deadline) await sleep(5);
      assert.deepEqual(payloads, [BASE + 1, BASE + 3]);
      assert.ok(Date.now() - waitingSince < SPACING_MS * 2, "the waiting wake-up went out within the spacing");
    } finally {
      await unlisten();
    }
  });
});
