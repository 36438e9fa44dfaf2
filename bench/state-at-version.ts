/**
 * Measure lib/timeline's stateAt (state + event + diff + provenance at version N) on a
 * 10,000-event stream, at random versions, on PGlite and on PostgreSQL. A measurement, not a test.
 *
 *   npx tsx bench/state-at-version.ts                      both databases
 *   npx tsx bench/state-at-version.ts --only pglite --events 10000 --samples 1000
 *
 * The stream is appended in batches with a snapshot every 100 versions (as SNAPSHOT_EVERY=100
 * does), then checked against a full replay at a few versions before anything is timed.
 * "warm" = the steady state once the stream has been opened once (provenance checkpoints are in
 * memory); "cold" = the checkpoints cleared before every request (the first request for that
 * stream after a restart); "state only" = loadState (snapshot + tail, no provenance) for scale.
 */
import { deepStrictEqual } from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { loadCustomer } from "@/lib/commands/customer";
import { customerStreamId, type CustomerEventEnvelope } from "@/lib/domain/customer/events";
import { CUSTOMER_STATE_SHAPE, evolve, initialState, type CustomerState } from "@/lib/domain/customer/state";
import { saveSnapshot, createEventStore, type EventStore } from "@/lib/eventstore";
import { eventRegistry } from "@/lib/commands/event-registry";
import { createPgliteTestDatabase, createPostgresTestDatabase, postgresAvailable, type TestDatabase } from "@/lib/testing/test-db";
import { clearCheckpoints } from "@/lib/timeline/checkpoints";
import { stateAt } from "@/lib/timeline/state-at";
import { prng } from "@/lib/testing/prng";
import { generateCustomerEvents } from "@/lib/testing/timeline-events";
import { latencySummary, type LatencySummary } from "./lib/stats";

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "10000" },
    samples: { type: "string", default: "1000" },
    cold: { type: "string", default: "30" },
    only: { type: "string" },
  },
});
const EVENTS = Number(args.events);
const SAMPLES = Number(args.samples);
const COLD = Number(args.cold);
const SNAPSHOT_EVERY = 100;

async function build(store: EventStore): Promise<{ streamId: string; states: CustomerState[] }> {
  const streamId = customerStreamId(crypto.randomUUID());
  const events = generateCustomerEvents(EVENTS, 2025, true);
  const states: CustomerState[] = [initialState()];
  for (let start = 0; start < events.length; start += 500) {
    const batch = events.slice(start, start + 500);
    const result = await store.append(streamId, batch, { expectedVersion: start === 0 ? "no_stream" : start, actor: "bench" });
    for (const recorded of result.events) {
      const next = evolve(states[states.length - 1], recorded as unknown as CustomerEventEnvelope);
      states.push(next);
      if (recorded.version % SNAPSHOT_EVERY === 0) {
        await saveSnapshot(store.db, { streamId, version: recorded.version, shapeVersion: CUSTOMER_STATE_SHAPE, state: next });
      }
    }
  }
  return { streamId, states };
}

async function time(samples: number, op: () => Promise<void>): Promise<LatencySummary> {
  const latencies: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await op();
    latencies.push(performance.now() - start);
  }
  return latencySummary(latencies);
}

const fmt = (s: LatencySummary) =>
  `p50 ${s.p50.toFixed(2)} ms · p95 ${s.p95.toFixed(2)} ms · p99 ${s.p99.toFixed(2)} ms · max ${s.max.toFixed(1)} ms (n=${s.count})`;

async function measure(kind: "pglite" | "postgres", create: () => Promise<TestDatabase>) {
  const t = await create();
  try {
    const store = createEventStore(t.database.db, eventRegistry);
    const built = performance.now();
    const { streamId, states } = await build(store);
    console.log(`\n[${kind}] ${EVENTS.toLocaleString("en-US")} events written in ${((performance.now() - built) / 1000).toFixed(1)} s`);

    const random = prng(99);
    const randomVersion = () => 1 + Math.floor(random() * EVENTS);
    for (const version of [1, 2, 101, EVENTS / 2 + 37, EVENTS - 1, EVENTS, randomVersion()]) {
      deepStrictEqual((await stateAt(store, streamId, version)).state, states[version], `stateAt(${version}) ≠ replay`);
    }

    const cold = await time(COLD, async () => {
      clearCheckpoints(store);
      await stateAt(store, streamId, randomVersion());
    });
    clearCheckpoints(store);
    const first = await time(1, async () => void (await stateAt(store, streamId, randomVersion())));
    const warm = await time(SAMPLES, async () => void (await stateAt(store, streamId, randomVersion())));
    const stateOnly = await time(SAMPLES, async () => void (await loadCustomer(store, streamId.slice("Customer-".length), randomVersion())));
    console.log(`[${kind}] stateAt warm        ${fmt(warm)}`);
    console.log(`[${kind}] stateAt cold        ${fmt(cold)}`);
    console.log(`[${kind}] first request       ${first.max.toFixed(1)} ms (replays the stream once, then cached)`);
    console.log(`[${kind}] state only (load)   ${fmt(stateOnly)}`);
    return { kind, warm, cold, first: first.max, stateOnly };
  } finally {
    await t.drop();
  }
}

const results = [];
if (!args.only || args.only === "pglite") results.push(await measure("pglite", createPgliteTestDatabase));
if (!args.only || args.only === "postgres") {
  if (await postgresAvailable()) results.push(await measure("postgres", () => createPostgresTestDatabase()));
  else console.warn("PostgreSQL not reachable: skipped (set TEST_DATABASE_URL)");
}
console.log(`\nstateAt on a ${EVENTS.toLocaleString("en-US")}-event stream, ${SAMPLES} random versions (goal: p95 < 20 ms warm)`);
for (const r of results) {
  console.log(
    `${r.kind.padEnd(8)} warm p50 ${r.warm.p50.toFixed(2)} / p95 ${r.warm.p95.toFixed(2)} ms ${r.warm.p95 < 20 ? "✓" : "✗"}` +
      ` · cold p50 ${r.cold.p50.toFixed(1)} / p95 ${r.cold.p95.toFixed(1)} ms · first ${r.first.toFixed(0)} ms`,
  );
}
process.exit(0);
