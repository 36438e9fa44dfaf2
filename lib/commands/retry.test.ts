import assert from "node:assert/strict";
import { it } from "node:test";
import { retry } from "./retry";

it("retry: re-runs while shouldRetry says so, then rethrows", async () => {
  let calls = 0;
  const value = await retry(
    async () => {
      calls++;
      if (calls < 3) throw new Error("again");
      return "done";
    },
    () => true,
  );
  assert.equal(value, "done");
  assert.equal(calls, 3);
  const seen: number[] = [];
  await assert.rejects(
    retry(
      async () => {
        throw new Error("always");
      },
      (_error, failures) => (seen.push(failures), failures < 2),
    ),
    /always/,
  );
  assert.deepEqual(seen, [1, 2]);
});
