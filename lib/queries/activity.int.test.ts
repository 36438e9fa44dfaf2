import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { sql } from "drizzle-orm";
import { v7 as uuidv7 } from "uuid";
import { customerStreamId } from "@/lib/domain/customer/events";
import { address, archived, registered, renamed } from "@/lib/domain/customer/builders";
import type { EventStore, RecordedEvent } from "@/lib/eventstore";
import { project, storeOf } from "@/lib/testing/projections";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { activityByDay } from "./activity";

// The dashboard's activity chart: events per UTC day and type, read from the activity_by_day
// read table (never a scan of the log), equal what the log itself says once it is projected.

await describeEachDatabase("activity over time", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;

  before(async () => {
    t = await create();
    store = storeOf(t.database);
    for (let i = 0; i < 4; i++) {
      const id = uuidv7();
      await store.append(customerStreamId(id), [registered({ name: `C${i}`, address: address() })], { expectedVersion: "no_stream", actor: "user:test" });
      if (i < 3) await store.append(customerStreamId(id), [renamed(`R${i}`, `C${i}`)], { expectedVersion: 1, actor: "user:test" });
      if (i < 1) await store.append(customerStreamId(id), [archived()], { expectedVersion: 2, actor: "user:test" });
    }
    await project(t.database);
  });
  after(() => t.drop());

  async function logCounts(): Promise<Map<string, Record<string, number>>> {
    const events: RecordedEvent[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await store.readAll({ after: cursor, limit: 1000 });
      events.push(...page.events);
      if (page.events.length < 1000) break;
      cursor = page.cursor;
    }
    const out = new Map<string, Record<string, number>>();
    for (const e of events) {
      const day = new Date(e.timestamp).toISOString().slice(0, 10);
      const counts = out.get(day) ?? {};
      counts[e.type] = (counts[e.type] ?? 0) + 1;
      out.set(day, counts);
    }
    return out;
  }

  it("counts per day and type equal the log's, over 30 whole UTC days ending today", async () => {
    const activity = await activityByDay(t.database.db);
    assert.equal(activity.days.length, 30);
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(activity.days.at(-1)?.day, today);
    assert.equal(activity.days.at(-1)?.endOfDay, `${today}T23:59:59.999Z`);
    const log = await logCounts();
    for (const day of activity.days) {
      assert.deepEqual(day.byType, log.get(day.day) ?? {}, day.day);
      assert.equal(day.total, Object.values(day.byType).reduce((a, b) => a + b, 0));
    }
    const all = activity.days.reduce((sum, d) => sum + d.total, 0);
    assert.equal(all, 8);
    assert.deepEqual(activity.types, ["CustomerRegistered", "CustomerRenamed", "CustomerArchived"]);
  });

  it("leaves out events after the window and before it", async () => {
    const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000);
    const past = await activityByDay(t.database.db, { now: yesterday, days: 7 });
    assert.equal(past.days.length, 7);
    assert.equal(past.days.reduce((sum, d) => sum + d.total, 0), 0);
    assert.deepEqual(past.types, []);
    const later = await activityByDay(t.database.db, { now: new Date(Date.now() + 3 * 24 * 60 * 60 * 1000), days: 2 });
    assert.equal(later.days.reduce((sum, d) => sum + d.total, 0), 0);
  });

  it("reads the read table, not the log: an event appended after the projection ran is counted once it is projected", async () => {
    const today = () => activityByDay(t.database.db, { days: 1 }).then((a) => a.days[0].byType.CustomerRenamed ?? 0);
    const before = await today();
    const id = uuidv7();
    await store.append(customerStreamId(id), [registered({ name: "Late", address: address() })], { expectedVersion: "no_stream", actor: "user:test" });
    await store.append(customerStreamId(id), [renamed("Later", "Late")], { expectedVersion: 1, actor: "user:test" });
    assert.equal(await today(), before);
    await project(t.database);
    assert.equal(await today(), before + 1);
    // Projected twice over (checkpoints lost: the log replayed from the start), nothing is counted twice.
    await t.database.db.execute(sql`delete from projection_checkpoints`);
    await project(t.database);
    assert.equal(await today(), before + 1);
  });
});
