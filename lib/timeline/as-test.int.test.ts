import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { after, before, it } from "node:test";
import { v7 as uuidv7 } from "uuid";
import { changeCustomerContact, editCustomer, registerCustomer } from "@/lib/commands/customer";
import { ledgerStore } from "@/lib/commands/event-registry";
import type { EventStore } from "@/lib/eventstore";
import { seedDemo } from "@/lib/server/seed";
import { createPgliteTestDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { historyAsTest } from "./as-test";

// "Copy as test": for ranges of the demo data, the generated test passes when written into the
// domain's test folder and run, and fails when its `then` is altered. (PGlite only: the database
// only supplies the history; what is tested is the generated file, run on its own.)

const FOLDER = path.join(process.cwd(), "lib", "domain", "customer");

/** Write `code` as a test file in lib/domain/customer, run it with node:test, remove it. */
function runGenerated(code: string): { ok: boolean; output: string } {
  const file = path.join(FOLDER, `generated-${uuidv7()}.test.ts`);
  fs.writeFileSync(file, code);
  try {
    // A fresh test run, not a child of this one (NODE_TEST_CONTEXT would make it skip its files).
    const { NODE_TEST_CONTEXT: _parent, ...env } = process.env;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--test", file], { encoding: "utf8", timeout: 120_000, env: { ...env, NODE_ENV: "test" } });
    const output = `${run.stdout}\n${run.stderr}`;
    return { ok: run.status === 0 && /^# pass 1$/m.test(output), output };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

let t: TestDatabase;
let store: EventStore;
before(async () => {
  t = await createPgliteTestDatabase();
  store = ledgerStore(t.database.db, randomBytes(32));
  await seedDemo(store);
});
after(() => t.drop());

it("three ranges of the demo data become tests that pass, and fail when their then is altered", async () => {
  const ctx = { store, actor: "user:test" };
  // A demo customer, plus an edit-form change (rename and move: one command, two events) and a contact change.
  const streams = (await store.readAll({ limit: 1000 })).events.map((e) => e.streamId);
  const bob = streams.find((s, i) => streams.indexOf(s) === i && s !== streams[0])!;
  const extra = await registerCustomer({ name: "Eve Example", address: { street: "1 Test St", city: "Bergen" }, email: "eve@example.test" }, ctx);
  assert.ok(extra.ok);
  const eveId = extra.streamId.slice("Customer-".length);
  assert.ok((await editCustomer(eveId, { name: "Eve Sample", address: { street: "2 Test St", city: "Oslo", country: "NO" } }, ctx)).ok);
  assert.ok((await changeCustomerContact(eveId, { phone: "+47 912 34 567" }, ctx)).ok);

  const ranges: [string, number, number][] = [
    [streams[0], 1, 1],
    [bob, 2, 3],
    [extra.streamId, 2, 4],
  ];
  for (const [streamId, from, to] of ranges) {
    const events = await store.readStream(streamId, { toVersion: to });
    assert.equal(events.length, to, `${streamId} has v${to}`);
    const code = historyAsTest(events, from, to);
    const passing = runGenerated(code);
    assert.ok(passing.ok, `${streamId} v${from}–v${to} should pass:\n${code}\n${passing.output}`);
    // Alter the then: the last expected event's data.
    const altered = code.replace(/(const expected: CustomerEvent\[\] = \[[\s\S]*)"data": \{/, '$1"data": { "tampered": true,');
    assert.notEqual(altered, code);
    const failing = runGenerated(altered);
    assert.equal(failing.ok, false, `${streamId} v${from}–v${to} altered should fail:\n${altered}\n${failing.output}`);
  }
});

it("names the range's commands and refuses a range with nothing in it", () => {
  const streamId = "Customer-0190a000-0000-7000-8000-000000000001";
  const events = [
    { streamId, type: "CustomerRegistered", version: 1, data: { name: "A", address: { street: "s", city: "c" }, email: null, phone: null }, metadata: { commandId: "c1" } },
    { streamId, type: "CustomerArchived", version: 2, data: {}, metadata: { commandId: "c2" } },
  ];
  const code = historyAsTest(events, 2, 2);
  assert.match(code, /v2: ArchiveCustomer/);
  assert.match(code, /command c2/);
  assert.match(code, /"type": "ArchiveCustomer"\n/);
  assert.throws(() => historyAsTest(events, 3, 4), /No events/);
});
