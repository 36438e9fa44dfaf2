import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, it } from "node:test";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { query } from "@/db/client";
import { registerCustomer } from "@/lib/commands/customer";
import { address } from "@/lib/domain/customer/builders";
import { EVENTS_CHANNEL, headPosition, type EventStore } from "@/lib/eventstore";
import { quietLog, storeOf } from "@/lib/testing/projections";
import { createPostgresTestDatabase, describePostgres, TEST_POSTGRES_URL, type TestDatabase } from "@/lib/testing/test-db";
import { projections } from "./index";
import { startProjections, type ProjectionRuntime } from "./runtime";

/** End every session of the test's database (what a PostgreSQL restart does to the app), as an outsider. */
async function cutConnections(databaseName: string): Promise<number> {
  const admin = postgres(TEST_POSTGRES_URL, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin`select pg_terminate_backend(pid) as cut from pg_stat_activity
      where datname = ${databaseName} and pid <> pg_backend_pid()`;
    return rows.length;
  } finally {
    await admin.end({ timeout: 2 });
  }
}

/** Register customers from `writers` loops until stopped; failures during the cut are expected. */
function storm(store: EventStore, writers: number) {
  let stopped = false;
  const accepted: string[] = [];
  let failed = 0;
  const loops = Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; !stopped; i++) {
      try {
        const result = await registerCustomer({ name: `Storm ${w}-${i}`, address: address({ city: "Cutville" }) }, { store });
        if (result.ok) accepted.push(result.id);
      } catch {
        failed++;
        await sleep(20);
      }
    }
  });
  return {
    accepted,
    failed: () => failed,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

await describePostgres("presence and the live feed survive lost connections", () => {
  let t: TestDatabase;
  let store: EventStore;
  let runtime: ProjectionRuntime;
  /** Status as another process sees it: from the presence locks alone. */
  let observer: ProjectionRuntime;
  before(async () => {
    t = await createPostgresTestDatabase();
    store = storeOf(t.database);
    runtime = await startProjections(t.database, store, {
      inProcess: true,
      runner: { pollMs: 100, heartbeatMs: 2000, retryInitialMs: 50, retryMaxMs: 500, log: quietLog },
    });
    observer = await startProjections(t.database, store, { inProcess: false });
  });
  after(async () => {
    await runtime.stop();
    await observer.stop();
    await t.drop();
  });

  const healthy = async () => {
    const statuses = await observer.status();
    return statuses.every((s) => s.status === "running" && s.runners === 1);
  };

  it("after every session is cut during a write storm: nothing lost or applied twice, presence and status back within 10 s, the feed resumes", async () => {
    assert.ok((await registerCustomer({ name: "Before The Cut", address: address() }, { store })).ok);
    for (let i = 0; i < 100 && !(await healthy()); i++) await sleep(50);
    assert.ok(await healthy(), JSON.stringify(await runtime.status()));
    const notified: number[] = [];
    await t.database.listen(EVENTS_CHANNEL, (payload) => notified.push(Number(payload)));

    const load = storm(store, 4);
    await sleep(500);
    const cut = await cutConnections(new URL(t.url!).pathname.slice(1));
    assert.ok(cut >= 2, `cut ${cut} sessions`);
    const cutAt = Date.now();
    await sleep(1500);
    await load.stop();

    // Status: never "running" with nobody holding presence; back to running with 1 runner in time.
    let backAfter = -1;
    while (Date.now() - cutAt < 10_000) {
      const statuses = [...(await runtime.status().catch(() => [])), ...(await observer.status().catch(() => []))];
      for (const s of statuses) assert.ok(!(s.status === "running" && s.runners === 0), `running with 0 runners: ${JSON.stringify(s)}`);
      if (statuses.length === 2 * projections.length && statuses.every((s) => s.status === "running" && s.runners === 1)) {
        backAfter = Date.now() - cutAt;
        break;
      }
      await sleep(100);
    }
    assert.ok(backAfter >= 0, `status not back within 10 s: ${JSON.stringify(await observer.status())}`);

    // Every committed registration is in the list once; every projection read each event once.
    const head = await headPosition(store.db);
    assert.equal(await runtime.waitFor(head, 10_000), true);
    const registered = await query<{ stream_id: string }>(
      t.database.db,
      sql`select stream_id from events where type = 'CustomerRegistered' order by stream_id`,
    );
    const listed = await query<{ stream_id: string }>(t.database.db, sql`select stream_id from customer_list order by stream_id`);
    assert.deepEqual(listed, registered);
    for (const id of load.accepted) assert.ok(registered.some((r) => r.stream_id.endsWith(id)), `accepted ${id} is not in the log`);
    const [{ n }] = await query<{ n: number }>(t.database.db, sql`select count(*)::int as n from events`);
    const checkpoints = await query<{ name: string; events_applied: number | string }>(
      t.database.db,
      sql`select name, events_applied from projection_checkpoints`,
    );
    for (const c of checkpoints) assert.equal(Number(c.events_applied), n, `${c.name} read ${c.events_applied} of ${n} events`);

    // The live feed: a wake-up for an append made now arrives.
    const result = await registerCustomer({ name: "After The Cut", address: address() }, { store });
    assert.ok(result.ok);
    for (let i = 0; i < 100 && !notified.some((p) => p >= result.position!); i++) await sleep(50);
    assert.ok(notified.some((p) => p >= result.position!), "no notification after the cut");
    console.log(`  ${load.accepted.length} accepted, ${load.failed()} failed during the cut; status back after ${backAfter} ms`);
  });
});
