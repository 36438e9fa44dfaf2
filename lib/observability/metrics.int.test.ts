import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { registerCustomer, renameCustomer } from "@/lib/commands/customer";
import { address } from "@/lib/domain/customer/builders";
import type { EventStore } from "@/lib/eventstore";
import { startProjections, type ProjectionRuntime } from "@/lib/projections/runtime";
import { quietLog, storeOf } from "@/lib/testing/projections";
import { describeEachDatabase, type TestDatabase } from "@/lib/testing/test-db";
import { scrape } from "./scrape";

type Sample = { name: string; labels: Record<string, string>; value: number };

/** A strict reader of the Prometheus text format (0.0.4): every line a comment, a sample or blank. */
function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (comment) {
      if (comment[1] === "TYPE") {
        assert.match(comment[3], /^(counter|gauge|histogram|summary|untyped)$/, line);
        types.set(comment[2], comment[3]);
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?[0-9.e+-]+|NaN|\+Inf|-Inf)$/.exec(line);
    assert.ok(sample, `not Prometheus text: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (sample[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g)) labels[key] = value;
    const family = sample[1].replace(/_(bucket|sum|count)$/, "");
    assert.ok(types.has(sample[1]) || types.has(family), `sample without a TYPE: ${sample[1]}`);
    samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  return samples;
}

const valueOf = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);

await describeEachDatabase("GET /api/metrics", (_kind, create) => {
  let t: TestDatabase;
  let store: EventStore;
  let runtime: ProjectionRuntime;
  before(async () => {
    t = await create();
    store = storeOf(t.database);
    runtime = await startProjections(t.database, store, { inProcess: true, runner: { log: quietLog } });
  });
  after(async () => {
    await runtime.stop();
    await t.drop();
  });
  const read = async () => parsePrometheus((await scrape({ projections: runtime, database: t.database, sseClients: () => 3 })).body);

  it("parses as Prometheus text, and its counters move with the load", async () => {
    const before = await read();
    let last = 0;
    for (let i = 0; i < 5; i++) {
      const result = await registerCustomer({ name: `Metered ${i}`, address: address() }, { store });
      assert.ok(result.ok);
      const conflict = await renameCustomer(result.id, { name: `Renamed ${i}` }, { store, expectedVersion: 7 });
      assert.equal(conflict.ok, false);
      last = result.position!;
    }
    assert.equal(await runtime.waitFor(last, 5000), true);
    const now = await read();
    const moved = (name: string, labels: Record<string, string> = {}) => valueOf(now, name, labels) - valueOf(before, name, labels);
    assert.equal(moved("ledger_appends_total", { outcome: "appended" }), 5);
    assert.equal(moved("ledger_append_duration_seconds_count", { outcome: "appended" }), 5);
    assert.equal(moved("ledger_commands_total", { command: "RegisterCustomer", outcome: "appended" }), 5);
    assert.equal(moved("ledger_commands_total", { command: "RenameCustomer", outcome: "conflict" }), 5);
    for (const projection of ["customer_list", "customer_search", "city_totals"]) {
      assert.equal(valueOf(now, "ledger_projection_position", { projection }), last, projection);
      assert.equal(valueOf(now, "ledger_projection_lag_events", { projection }), 0);
      assert.equal(valueOf(now, "ledger_projection_parked_events", { projection }), 0);
    }
    assert.equal(valueOf(now, "ledger_horizon_age_seconds"), 0);
    assert.equal(valueOf(now, "ledger_sse_clients"), 3);
    assert.ok(valueOf(now, "ledger_append_duration_seconds_bucket", { le: "+Inf" }) >= 5);
  });
});
