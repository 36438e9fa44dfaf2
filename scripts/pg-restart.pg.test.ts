/**
 * A real PostgreSQL restart (`pg_ctlcluster … restart`, fast shutdown) during a write storm, on a
 * throwaway cluster of the test's own (scripts/pg-cluster.ts; the shared server is not touched).
 * Projections run in this process and in a worker process (`npm run worker`); an "app" process
 * without projectors watches their status and relays the live feed (LiveHub, as /api/live).
 *
 * Writers retry a command whose answer was lost under the same command id, so a retry is
 * idempotent and every command is acknowledged once. Afterwards: the log holds each acknowledged
 * command's event exactly once and nothing else; no projection applied an event twice; every
 * read table equals a replay; status was back to `running` with both runners within 10 s of the
 * server being up (and never said `running` with 0 runners); the live feed announced positions
 * appended after the restart, for the log and for every projection.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { v7 as uuidv7 } from "uuid";
import { connectPostgres, query, type Database } from "@/db/client";
import { changeCustomerAddress, registerCustomer, type CustomerCommandResult } from "@/lib/commands/customer";
import { address } from "@/lib/domain/customer/builders";
import { headPosition } from "@/lib/eventstore";
import { LiveHub, type LiveMessage } from "@/lib/http/live";
import { projections } from "@/lib/projections";
import { requestRebuild } from "@/lib/projections/runner";
import { startProjections, type ProjectionRuntime, type ProjectionStatus } from "@/lib/projections/runtime";
import { createLedger, type Ledger } from "@/lib/server/ledger";
import { allReadTables, project, quietLog, storeOf } from "@/lib/testing/projections";
import { startWorker, stopProcess, type Proc } from "./many-instances-procs";
import { clusterUnavailable, createCluster, type Cluster } from "./pg-cluster";

const WRITERS = 6;
/** Both runners: this process's and the worker's. */
const RUNNERS = 2;
const names = projections.map((p) => p.name);

interface Ack {
  commandId: string;
  position: number;
  /** When it was acknowledged. */
  at: number;
}

const unavailable = clusterUnavailable();
if (unavailable) console.warn(`\n!!! SKIPPED: the PostgreSQL restart test: ${unavailable}\n`);

describe("PostgreSQL restarted during a write storm [own cluster]", { skip: unavailable ?? false }, () => {
  let cluster: Cluster | undefined;
  let ledger: Ledger | undefined;
  let app: Database | undefined;
  let observer: ProjectionRuntime | undefined;
  let hub: LiveHub | undefined;
  let worker: Proc | undefined;

  before(async () => {
    cluster = await createCluster();
    const admin = postgres(cluster.url(), { max: 1, onnotice: () => {} });
    await admin.unsafe("create database ledger").finally(() => admin.end({ timeout: 2 }));
    const url = cluster.url("ledger");
    const masterKey = crypto.randomBytes(32);
    ledger = await createLedger(
      { url, max: 8 },
      { masterKey, identity: false, projections: { inProcess: true, runner: { pollMs: 200, log: quietLog } } },
    );
    worker = startWorker({ DATABASE_URL: url, LEDGER_MASTER_KEY: masterKey.toString("base64"), SEED_DEMO: "0" });
    // The app process (PROJECTIONS=off): status from the presence locks alone, and the live feed.
    app = await connectPostgres({ url, max: 4 });
    observer = await startProjections(app, storeOf(app), { inProcess: false });
    hub = new LiveHub(app.listen.bind(app), { coalesceMs: 20 });
  });
  after(async () => {
    try {
      if (worker) await stopProcess(worker, "SIGKILL");
      await hub?.stop();
      await observer?.stop();
      await app?.close();
      await ledger?.close();
    } finally {
      await cluster?.drop();
    }
  });

  const statuses = async () => (await observer!.status()).filter((s) => names.includes(s.name));
  const healthy = (list: ProjectionStatus[]) =>
    list.length === names.length && list.every((s) => s.status === "running" && s.runners === RUNNERS);

  it("loses and repeats nothing, status is back within 10 s, the live feed resumes", { timeout: 240_000 }, async () => {
    const { store } = ledger!;
    const acks: Ack[] = [];
    const first = await registerCustomer({ name: "Before The Restart", address: address() }, { store, commandId: "before-the-restart" });
    assert.ok(first.ok && first.position);
    acks.push({ commandId: "before-the-restart", position: first.position, at: Date.now() });
    for (let i = 0; i < 600 && !healthy(await statuses()); i++) await sleep(100);
    assert.ok(healthy(await statuses()), `not running with ${RUNNERS} runners before the restart: ${JSON.stringify(await statuses())}\n${worker!.output()}`);
    const feed: { message: LiveMessage; at: number }[] = [];
    hub!.subscribe((message) => feed.push({ message, at: Date.now() }));

    // The storm: each command keeps its id across retries, until it is acknowledged.
    const unexpected: string[] = [];
    let errors = 0;
    let stopped = false;
    const acknowledged = async (attempt: (commandId: string) => Promise<CustomerCommandResult>) => {
      const commandId = uuidv7();
      for (let tries = 1; ; tries++) {
        try {
          const result = await attempt(commandId);
          if (!result.ok || !result.position) unexpected.push(JSON.stringify(result).slice(0, 300));
          else acks.push({ commandId, position: result.position, at: Date.now() });
          return result;
        } catch (error) {
          errors++;
          if (tries > 200) throw error;
          await sleep(Math.min(500, 20 * tries));
        }
      }
    };
    const writer = async (w: number) => {
      const mine: string[] = [];
      for (let i = 0; !stopped; i++) {
        const where = address({ street: `${w}-${i} Storm Rd`, city: `Restartville ${i % 5}` });
        if (mine.length && i % 2) {
          const id = mine[i % mine.length];
          await acknowledged((commandId) => changeCustomerAddress(id, { address: where }, { store, commandId, actor: "test" }));
        } else {
          const id = uuidv7();
          const result = await acknowledged((commandId) =>
            registerCustomer({ id, name: `Storm ${w}-${i}`, address: where }, { store, commandId, actor: "test" }),
          );
          if (result.ok) mine.push(id);
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, w) => writer(w));

    // Status as the app sees it, all along (pg_ctlcluster returns seconds after the server is
    // up, so the samples are taken throughout): never `running` with nobody holding presence.
    const samples: { started: number; finished: number; statuses: ProjectionStatus[] }[] = [];
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const started = Date.now();
        const list = await statuses().catch(() => []);
        samples.push({ started, finished: Date.now(), statuses: list });
        await sleep(100);
      }
    })();

    await sleep(1500);
    const beforeRestart = acks.length;
    const { upAt } = await cluster!.restart();
    // Back to running with both runners within 10 s of the server being up, the storm still on:
    // the first sample taken wholly after that moment that says so.
    const back = () => samples.find((sample) => sample.started >= upAt && healthy(sample.statuses));
    const restartReturned = Date.now();
    while (!back() && Date.now() - upAt < 10_000) await sleep(100);
    await sleep(Math.max(0, 2000 - (Date.now() - restartReturned)));
    stopped = true;
    await Promise.all(writers);
    watching = false;
    await watch;
    const backAfter = (back()?.finished ?? Infinity) - upAt;
    const last = samples.filter((sample) => sample.started >= upAt && sample.finished - upAt <= 10_000).at(-1)?.statuses;
    assert.ok(backAfter <= 10_000, `status not back to running with ${RUNNERS} runners within 10 s (${backAfter} ms): ${JSON.stringify(last)}`);
    const zeroRunners = samples.flatMap((sample) => sample.statuses.filter((s) => s.status === "running" && s.runners === 0));
    assert.deepEqual(zeroRunners, [], "status said running with 0 runners");
    assert.deepEqual(unexpected, [], "every command succeeds in the end");
    assert.ok(beforeRestart > 0 && acks.some((a) => a.at > upAt), `acknowledged ${beforeRestart} before, ${acks.length} in all`);
    assert.ok(errors > 0, "the restart cut no command: it did not happen during the storm");

    // Exactly once: each acknowledged command's event is in the log once, at its position; nothing else is.
    const db = ledger!.database.db;
    const logged = await query<{ command_id: string; n: number; position: number | string }>(
      db,
      sql`select metadata->>'commandId' as command_id, count(*)::int as n, max(position) as position from events group by 1`,
    );
    const byCommand = new Map(logged.map((r) => [r.command_id, r]));
    for (const ack of acks) {
      const row = byCommand.get(ack.commandId);
      assert.ok(row, `acknowledged command ${ack.commandId} (position ${ack.position}) is not in the log`);
      assert.equal(row.n, 1, `command ${ack.commandId} appended ${row.n} events`);
      assert.equal(Number(row.position), ack.position);
    }
    assert.equal(logged.length, new Set(acks.map((a) => a.commandId)).size, "the log holds events of unacknowledged commands");

    // The live feed resumed: one more append is announced, and so is each projection reaching it.
    const closing = await registerCustomer({ name: "After The Restart", address: address() }, { store });
    assert.ok(closing.ok && closing.position);
    const head = await headPosition(db);
    assert.equal(await ledger!.projections!.waitFor(head, 30_000), true, "the runners caught up");
    const reached = (projection?: string) =>
      feed.some(
        ({ message, at }) =>
          at >= upAt &&
          message.position >= closing.position! &&
          ("projection" in message ? message.projection === projection : projection === undefined),
      );
    for (let i = 0; i < 100 && ![undefined, ...names].every(reached); i++) await sleep(50);
    assert.deepEqual([undefined, ...names].filter((p) => !reached(p)), [], "the live feed did not announce these after the restart");

    // No event applied twice, and every read table equals a replay of the log.
    await stopProcess(worker!, "SIGTERM");
    await ledger!.projections!.stop();
    const [{ n }] = await query<{ n: number }>(db, sql`select count(*)::int as n from events`);
    const checkpoints = await query<{ name: string; events_applied: number | string }>(
      db,
      sql`select name, events_applied from projection_checkpoints`,
    );
    for (const c of checkpoints) assert.equal(Number(c.events_applied), n, `${c.name} read ${c.events_applied} of ${n} events`);
    const live = await allReadTables(db);
    for (const projection of projections) await requestRebuild(db, projection);
    await project(ledger!.database, { batchSize: 1000, log: quietLog, decode: (tx, events) => store.codec.decode(tx, events) });
    assert.deepEqual(await allReadTables(db), live);
    console.log(`  ${acks.length} commands acknowledged (${beforeRestart} before the restart), ${errors} failed tries retried; status back ${backAfter} ms after the server was up`);
  });
});
