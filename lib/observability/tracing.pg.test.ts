import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { NodeSDK } from "@opentelemetry/sdk-node";
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { v7 as uuidv7 } from "uuid";
import { changeCustomerAddress, registerCustomer } from "@/lib/commands/customer";
import { address } from "@/lib/domain/customer/builders";
import type { EventStore } from "@/lib/eventstore";
import { LiveHub } from "@/lib/http/live";
import { projections as allProjections } from "@/lib/projections";
import { startProjections, type ProjectionRuntime } from "@/lib/projections/runtime";
import { quietLog, storeOf } from "@/lib/testing/projections";
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from "@/lib/testing/test-db";
import { startTracing, tracingRequested } from "./tracing-sdk";

/** Personal data of the traced command, each with the marker Q7Z: it may appear in no span. */
const MARKERS = { name: "Tracy Q7Zname", street: "Q7Zstreet 12", postalCode: "Q7Z 99", city: "Q7Zcity" };

await describePostgres("OpenTelemetry: a command's trace reaches the projector and the live feed", () => {
  let t: TestDatabase;
  let store: EventStore;
  let runtime: ProjectionRuntime;
  let sdk: NodeSDK;
  let hub: LiveHub;
  const exporter = new InMemorySpanExporter();
  before(async () => {
    sdk = (await startTracing({ serviceName: "ledger-test", spanProcessors: [new SimpleSpanProcessor({ exporter })] }))!;
    t = await createPostgresTestDatabase();
    store = storeOf(t.database);
    runtime = await startProjections(t.database, store, { inProcess: true, runner: { log: quietLog } });
    hub = new LiveHub(t.database.listen.bind(t.database), { coalesceMs: 20 });
  });
  after(async () => {
    await hub.stop();
    await runtime.stop();
    await t.drop();
    await sdk.shutdown();
  });

  it("POST /api/customers/:id/address: command, load, decide, append, projection apply and live update in one trace", async () => {
    const registered = await registerCustomer({ name: MARKERS.name, address: address() }, { store });
    assert.ok(registered.ok);
    await runtime.waitFor(registered.position!, 5000);
    const seen: number[] = [];
    const unsubscribe = hub.subscribe((message) => {
      if ("projection" in message && message.projection === "customer_list") seen.push(message.position);
    });
    exporter.reset();
    // What the route runs (app/api/customers/[id]/address/route.ts), with the metadata it sets;
    // on a store of its own (as another app process would be), so the state is loaded, not cached.
    const ctx = { store: storeOf(t.database), commandId: `test:${uuidv7()}`, correlationId: uuidv7(), causationId: null, actor: "user:tracer" };
    const newAddress = { street: MARKERS.street, postalCode: MARKERS.postalCode, city: MARKERS.city, country: "NO" };
    const result = await changeCustomerAddress(registered.id, { address: newAddress }, ctx);
    assert.ok(result.ok && result.position, JSON.stringify(result));
    assert.equal(await runtime.waitFor(result.position, 5000), true);
    await waitUntil(() => seen.some((position) => position >= result.position!), "the live feed announced the position");
    unsubscribe();
    await waitUntil(() => spansNamed(exporter, "live update").length > 0, "the live update span");

    const spans = exporter.getFinishedSpans();
    const command = one(spans, "command ChangeCustomerAddress");
    const traceId = command.spanContext().traceId;
    const inTrace = spans.filter((span) => span.spanContext().traceId === traceId);
    const names = inTrace.map((span) => span.name);
    for (const name of ["command ChangeCustomerAddress", "load", "decide", "append", "projection apply", "live update"]) {
      assert.ok(names.includes(name), `span ${name} in the trace; got ${names.join(", ")}`);
    }
    const streamId = `Customer-${registered.id}`;
    assert.equal(command.attributes["ledger.stream"], streamId);
    assert.equal(command.attributes["ledger.outcome"], "appended");

    const commandId = command.spanContext().spanId;
    const load = one(inTrace, "load");
    assert.equal(load.parentSpanContext?.spanId, commandId);
    assert.equal(load.attributes["ledger.version"], 1);
    const decide = one(inTrace, "decide");
    assert.equal(decide.parentSpanContext?.spanId, commandId);
    assert.equal(decide.attributes["ledger.cached"], false);
    assert.equal(decide.attributes["ledger.events"], 1);
    const append = one(inTrace, "append");
    assert.equal(append.parentSpanContext?.spanId, commandId);
    assert.equal(append.attributes["ledger.stream"], streamId);
    assert.equal(append.attributes["ledger.version"], result.version);
    assert.equal(append.attributes["ledger.position"], result.position);

    // The event carries the append's span as its traceparent, and the projector continued it.
    const [event] = await store.readStream(streamId, { fromVersion: result.version, toVersion: result.version });
    assert.equal(event.metadata.traceparent, `00-${traceId}-${append.spanContext().spanId}-01`);
    const applied = inTrace.filter((span) => span.name === "projection apply");
    const projections = applied.map((span) => span.attributes["ledger.projection"]).sort();
    assert.deepEqual(projections, allProjections.map((p) => p.name).sort());
    for (const span of applied) {
      assert.equal(span.parentSpanContext?.spanId, append.spanContext().spanId);
      assert.equal(span.attributes["ledger.position"], result.position);
      assert.equal(span.attributes["ledger.version"], result.version);
      assert.equal(span.attributes["ledger.event_type"], "CustomerAddressUpdated");
    }
    // One live update per flush of the feed: the three projections' checkpoints may reach it in
    // one flush or in several, so there is at least one, and each is at or past the event.
    const live = inTrace.filter((span) => span.name === "live update");
    assert.ok(live.length >= 1, `a live update span in the trace; got ${names.join(", ")}`);
    for (const span of live) assert.ok(Number(span.attributes["ledger.position"]) >= result.position);

    // No personal data in any span of the run, attributes or names.
    const text = JSON.stringify(exporter.getFinishedSpans().map((span) => ({ name: span.name, attributes: span.attributes, events: span.events })));
    assert.equal(text.includes("Q7Z"), false, `personal data in a span: ${text}`);
  });

  it("is off unless OTEL_* asks for an exporter, and OTEL_SDK_DISABLED wins", async () => {
    assert.equal(tracingRequested({}), false);
    assert.equal(tracingRequested({ OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }), false);
    assert.equal(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }), true);
    assert.equal(tracingRequested({ OTEL_TRACES_EXPORTER: "otlp" }), true);
    assert.equal(await startTracing({ serviceName: "x" }, {}), null);
    assert.equal(await startTracing({ serviceName: "x" }, { OTEL_SDK_DISABLED: "true", OTEL_TRACES_EXPORTER: "otlp" }), null);
  });
});

const spansNamed = (exporter: InMemorySpanExporter, name: string) => exporter.getFinishedSpans().filter((span) => span.name === name);

function one(spans: ReadableSpan[], name: string): ReadableSpan {
  const found = spans.filter((span) => span.name === name);
  assert.equal(found.length, 1, `one ${name} span; got ${spans.map((span) => span.name).join(", ")}`);
  return found[0];
}

async function waitUntil(done: () => boolean, what: string, ms = 5000) {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
