import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RecordedEvent } from "@/lib/eventstore";
import { activityKey, countActivity } from "./activity-by-day";

// The pure part of activity_by_day: which (day, type) row each event adds to, and the guard that
// makes a redelivery count nothing.

let position = 0;
const event = (type: string, timestamp: string, transactionId = "100"): RecordedEvent => ({
  id: `e${++position}`,
  streamId: "Customer-x",
  type,
  version: position,
  position,
  schemaVersion: 1,
  data: {},
  metadata: { commandId: "c", correlationId: "c", causationId: null, actor: "test" },
  timestamp,
  transactionId,
});

describe("activity_by_day counts", () => {
  it("buckets by the UTC day of the timestamp, per type, the last counted event kept", () => {
    const events = [
      event("CustomerRegistered", "2025-03-01T23:59:59.999Z"),
      event("CustomerRegistered", "2025-03-02T00:00:00.000Z"),
      event("CustomerRenamed", "2025-03-02T12:00:00.000Z"),
      event("CustomerRegistered", "2025-03-02T23:00:00.000Z"),
    ];
    assert.deepEqual(countActivity(events, new Map()), [
      { day: "2025-03-01", type: "CustomerRegistered", events: 1, lastPosition: events[0].position },
      { day: "2025-03-02", type: "CustomerRegistered", events: 2, lastPosition: events[3].position },
      { day: "2025-03-02", type: "CustomerRenamed", events: 1, lastPosition: events[2].position },
    ]);
  });

  it("counts only events after a row's guard, in follower order (transaction id first, then position)", () => {
    // Positions are allocated before commit: a later transaction may hold a lower position.
    const a = event("CustomerRenamed", "2025-03-02T10:00:00.000Z", "200");
    const b = event("CustomerRenamed", "2025-03-02T10:00:01.000Z", "201");
    const lowerPositionLaterTx = { ...event("CustomerRenamed", "2025-03-02T10:00:02.000Z", "202"), position: a.position - 1 };
    const guards = new Map([[activityKey("2025-03-02", "CustomerRenamed"), { transactionId: "201", position: b.position }]]);
    assert.deepEqual(countActivity([a, b, lowerPositionLaterTx], guards), [
      { day: "2025-03-02", type: "CustomerRenamed", events: 1, lastPosition: lowerPositionLaterTx.position },
    ]);
    // A guard on another day or type holds nothing back.
    const other = new Map([[activityKey("2025-03-01", "CustomerRenamed"), { transactionId: "999", position: 10_000 }]]);
    assert.equal(countActivity([a, b], other)[0].events, 2);
  });
});
