import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, it } from "node:test";
import { sql } from "drizzle-orm";
import { query } from "@/db/client";
import { archiveCustomer, registerCustomer, renameCustomer } from "@/lib/commands/customer";
import { ledgerStore } from "@/lib/commands/event-registry";
import type { EventStore } from "@/lib/eventstore";
import { HttpError } from "@/lib/http/errors";
import { parseWith } from "@/lib/http/body";
import { streamWhatIf, whatIfBody } from "@/lib/http/what-if";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { VersionOutOfRangeError } from "./errors";

// What-if: decide a command against the state at version N; nothing is appended, and the preview
// says how it compares with what really happened after N.

await describeEachDatabase("what-if", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  let streamId: string;
  before(async () => {
    t = await create();
    store = ledgerStore(t.database.db, randomBytes(32));
    const ctx = { store, actor: "user:test" };
    const r = await registerCustomer({ name: "Wanda What", address: { street: "1 If Lane", city: "Maybe" } }, ctx);
    assert.ok(r.ok);
    streamId = r.streamId;
    const id = streamId.slice("Customer-".length);
    assert.ok((await renameCustomer(id, { name: "Wanda Whether" }, ctx)).ok); // v2
    assert.ok((await archiveCustomer(id, { reason: "moved" }, ctx)).ok); // v3
  });
  after(() => t.drop());

  const log = async () =>
    query<Record<string, unknown>>(
      t.database.db,
      sql`select (select count(*)::int from events) as events, (select count(*)::int from snapshots) as snapshots,
                 (select count(*)::int from commands) as commands, (select max(version)::int from events where stream_id = ${streamId}) as version`,
    );
  const preview = (version: number, command: Record<string, unknown>) => streamWhatIf(store, streamId, parseWith(whatIfBody, { version, command }));

  it("a command that would succeed: its events, compared with what really came next", async () => {
    const before = await log();
    const same = await preview(1, { type: "RenameCustomer", name: "Wanda Whether" });
    assert.deepEqual(same.outcome, { ok: true, unchanged: false, events: [{ type: "CustomerRenamed", data: { newName: "Wanda Whether", oldName: "Wanda What" } }] });
    assert.equal(same.comparison, "same");
    assert.deepEqual(same.actual.events.map((e) => [e.version, e.type]), [[2, "CustomerRenamed"], [3, "CustomerArchived"]]);
    assert.equal(same.actual.more, false);

    const other = await preview(1, { type: "ChangeCustomerAddress", address: { street: "2 Then Rd", city: "Elsewhere" } });
    assert.ok(other.outcome.ok);
    assert.equal(other.outcome.events[0].type, "CustomerAddressUpdated");
    assert.equal(other.comparison, "different");

    const quiet = await preview(2, { type: "RenameCustomer", name: "Wanda Whether" });
    assert.deepEqual(quiet.outcome, { ok: true, unchanged: true, events: [] });
    assert.deepEqual(await log(), before, "nothing appended, no snapshot, no command recorded");
  });

  it("a command a rule rejects says which rule", async () => {
    const before = await log();
    const again = await preview(1, { type: "RegisterCustomer", name: "Wanda Two", address: { street: "3 St", city: "Maybe" } });
    assert.equal(again.outcome.ok, false);
    assert.ok(!again.outcome.ok && again.outcome.error.code === "already_exists" && /already exists/.test(again.outcome.error.message));
    assert.deepEqual(await log(), before);
  });

  it("a command on an archived version is rejected as customer_archived, at the latest version too", async () => {
    const before = await log();
    const archived = await preview(3, { type: "RenameCustomer", name: "Wanda Later" });
    assert.deepEqual(archived.outcome.ok ? null : archived.outcome.error.code, "customer_archived");
    assert.equal(archived.comparison, "nothing-after");
    assert.deepEqual(archived.actual, { events: [], more: false });
    // The same command at version 2, before the archive, would have worked.
    assert.equal((await preview(2, { type: "RenameCustomer", name: "Wanda Later" })).outcome.ok, true);
    assert.deepEqual(await log(), before);
  });

  it("bad input is a 400 with words; a version past the stream is out of range", async () => {
    for (const body of [{ version: 1, command: { type: "Teleport" } }, { version: 0, command: { type: "ArchiveCustomer" } }, { version: 1, command: { type: "RenameCustomer", name: "" } }]) {
      try {
        parseWith(whatIfBody, body);
        assert.fail(JSON.stringify(body));
      } catch (error) {
        assert.ok(error instanceof HttpError);
        assert.equal(error.response.status, 400);
        const text = JSON.stringify(await error.response.json());
        assert.match(text, /type must be one of|version must be at least 1|Name/);
      }
    }
    await assert.rejects(preview(9, { type: "ArchiveCustomer" }), VersionOutOfRangeError);
  });
});
