import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RecordedEvent } from "@/lib/eventstore";
import { keyedRowProjection } from "./keyed";
import { handleBatch, readAheadOf, withReadAhead } from "./read-ahead";
import type { Projection } from "./types";

const event = (streamId: string, version: number): RecordedEvent => ({
  id: `${streamId}-${version}`,
  streamId,
  type: "Noted",
  version,
  position: version,
  schemaVersion: 1,
  data: {},
  metadata: { commandId: "c", correlationId: "c", causationId: null, actor: "a" },
  timestamp: "2025-01-01T00:00:00.000Z",
  transactionId: "100",
});

const noted = keyedRowProjection<{ id: string }>({
  name: "test_noted",
  tables: ["test_noted"],
  canHandle: ["Noted"],
  key: (events) => {
    const groups = new Map<string, RecordedEvent[]>();
    for (const e of events) groups.set(e.streamId, [...(groups.get(e.streamId) ?? []), e]);
    return groups;
  },
  rows: { table: "test_noted", key: "id", fields: { id: "text" } },
  fold: { select: "id", fromStored: (r) => ({ id: String(r.id) }), fold: (id) => ({ row: { id } }) },
});

describe("keyed-row projections and read-ahead", () => {
  it("have the plain contract's shape: name, tables, canHandle, handle", () => {
    assert.deepEqual(Object.keys(noted), ["name", "tables", "canHandle", "handle"]);
  });

  it("offer their pure part to the loader, grouped by key", () => {
    const hook = readAheadOf(noted);
    assert.ok(hook);
    const prepared = hook.prepare([event("a", 1), event("b", 2), event("a", 3)]) as { groups: Map<string, RecordedEvent[]> };
    assert.deepEqual([...prepared.groups.keys()], ["a", "b"]);
    assert.equal(prepared.groups.get("a")?.length, 2);
  });

  it("a plain projection has no hook, and always handles the batch itself", async () => {
    const handled: number[] = [];
    const plain: Projection = {
      name: "test_plain",
      tables: [],
      canHandle: ["Noted"],
      handle: async (_tx, events) => void handled.push(events.length),
    };
    assert.equal(readAheadOf(plain), undefined);
    await handleBatch(plain, {} as never, [event("a", 1)], () => undefined as never, { ignored: true });
    assert.deepEqual(handled, [1]);
  });

  it("what was prepared ahead goes to the hook; nothing prepared goes to handle", async () => {
    const calls: string[] = [];
    const projection = withReadAhead<Projection, string>(
      { name: "test_both", tables: [], canHandle: [], handle: async () => void calls.push("handle") },
      { prepare: () => "work", handlePrepared: async (_tx, _events, _table, work) => void calls.push(`prepared:${work}`) },
    );
    await handleBatch(projection, {} as never, [], () => undefined as never, "work");
    await handleBatch(projection, {} as never, [], () => undefined as never, undefined);
    assert.deepEqual(calls, ["prepared:work", "handle"]);
  });
});
