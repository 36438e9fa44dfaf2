import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RecordedEvent } from "@/lib/eventstore";
import {
  afterFailedBatch,
  backoffMs,
  batchLimit,
  DATABASE_RETRY_MAX_MS,
  failureLine,
  isolationAfter,
  readAheadLimit,
  shouldPark,
} from "./failure-policy";

const event = (position: number, transactionId = "100"): RecordedEvent => ({
  id: `e${position}`,
  streamId: "Customer-1",
  type: "CustomerRenamed",
  version: position,
  position,
  schemaVersion: 1,
  data: {},
  metadata: { commandId: "c", correlationId: "c", causationId: null, actor: "a" },
  timestamp: "2025-01-01T00:00:00.000Z",
  transactionId,
});

const policy = { initialMs: 500, maxMs: 30_000 };
const sizes = { batchSize: 500, catchUpBatchSize: 10_000, rebuildBatchSize: 20_000 };

describe("failure policy", () => {
  describe("back-off", () => {
    it("doubles from the initial delay up to the maximum", () => {
      assert.deepEqual([1, 2, 3, 4, 7, 8].map((n) => backoffMs(n, policy)), [500, 1000, 2000, 4000, 30_000, 30_000]);
    });

    it("does not overflow after very many failures", () => {
      assert.equal(backoffMs(10_000, policy), 30_000);
    });
  });

  describe("when a batch of several events fails", () => {
    it("isolates: redo up to its last event one at a time, at once, without counting a failure", () => {
      const decision = afterFailedBatch([event(1), event(2), event(3, "101")], 0, policy);
      assert.deepEqual(decision, { kind: "isolate", until: { transactionId: "101", position: 3 } });
    });
  });

  describe("when a single event fails", () => {
    it("names it, counts the failure and backs off", () => {
      const failing = event(7);
      assert.deepEqual(afterFailedBatch([failing], 2, policy), { kind: "retry", event: failing, failures: 3, backoffMs: 2000 });
    });

    it("backs off up to the maximum", () => {
      const decision = afterFailedBatch([event(7)], 30, policy);
      assert.equal(decision.kind === "retry" && decision.backoffMs, 30_000);
    });
  });

  describe("when no event was read (the database failed)", () => {
    it("retries at least every few seconds", () => {
      const decision = afterFailedBatch([], 30, policy);
      assert.deepEqual(decision, { kind: "retry", event: undefined, failures: 31, backoffMs: DATABASE_RETRY_MAX_MS });
    });

    it("keeps a shorter configured maximum", () => {
      const decision = afterFailedBatch([], 30, { initialMs: 10, maxMs: 100 });
      assert.equal(decision.kind === "retry" && decision.backoffMs, 100);
    });
  });

  describe("isolating", () => {
    const until = { transactionId: "101", position: 3 };
    it("goes on until a batch reaches the bound", () => {
      assert.deepEqual(isolationAfter(until, { transactionId: "100", position: 9 }), until);
      assert.equal(isolationAfter(until, { transactionId: "101", position: 3 }), null);
      assert.equal(isolationAfter(until, { transactionId: "102", position: 1 }), null);
    });

    it("stays off when it was off", () => {
      assert.equal(isolationAfter(null, { transactionId: "1", position: 1 }), null);
    });
  });

  describe("batch sizes", () => {
    it("reads one event while isolating, else by what the checkpoint is doing", () => {
      assert.equal(batchLimit({ isolating: true, rebuild: true, behind: true }, sizes), 1);
      assert.equal(batchLimit({ isolating: false, rebuild: true, behind: false }, sizes), 20_000);
      assert.equal(batchLimit({ isolating: false, rebuild: false, behind: true }, sizes), 10_000);
      assert.equal(batchLimit({ isolating: false, rebuild: false, behind: false }, sizes), 500);
    });

    it("reads ahead a catch-up batch, or a rebuild batch", () => {
      assert.equal(readAheadLimit(false, sizes), 10_000);
      assert.equal(readAheadLimit(true, sizes), 20_000);
    });
  });

  it("logs the failing event and the back-off", () => {
    assert.equal(
      failureLine("customer_list", event(7), "boom", 500),
      "[projections] customer_list failed at event #7 (CustomerRenamed Customer-1 v7): boom; retrying in 500 ms",
    );
    assert.equal(failureLine("customer_list", undefined, "no connection", 500), "[projections] customer_list failed: no connection; retrying in 500 ms");
  });

  it("parks by the projection's policy: park (default) after its retries or the runner's, halt never", () => {
    assert.equal(shouldPark(undefined, 4, 5), false);
    assert.equal(shouldPark(undefined, 5, 5), true);
    assert.equal(shouldPark({ mode: "park", retries: 2 }, 2, 5), true);
    assert.equal(shouldPark({ mode: "park", retries: 2 }, 1, 5), false);
    assert.equal(shouldPark({ mode: "park", retries: 0 }, 1, 5), true);
    assert.equal(shouldPark({ mode: "halt" }, 1000, 5), false);
  });
});
