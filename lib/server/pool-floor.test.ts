import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { projections } from "@/lib/projections";
import { appLedgerConfig, minimumPoolSize, withPoolFloor, type DatabaseSource } from "./ledger";

// The pool floor: a process that runs the projections gets a lane per projection (each holds a
// transaction while its batch runs) plus the event loader's read-ahead plus one for the rest, and
// a connection for the publisher when it publishes there. createLedger applies it, for the app
// and the worker alike.

const quiet = { lines: [] as string[], log: (line: string) => void quiet.lines.push(line) };
const maxOf = (source: DatabaseSource) => ("max" in source ? source.max : undefined);
const URL = "postgres://someone@db.invalid:5432/ledger";
const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;

describe("minimumPoolSize", () => {
  it("is one connection per projection lane, one for the read-ahead, one for the rest, and one for a publisher", () => {
    assert.equal(minimumPoolSize(4, false), 6);
    assert.equal(minimumPoolSize(5, false), 7);
    assert.equal(minimumPoolSize(5, true), 8);
  });
});

describe("withPoolFloor", () => {
  it("raises a pool too small for the projections run in this process, and says so", () => {
    quiet.lines = [];
    const raised = withPoolFloor({ url: URL, max: 3 }, { projections: { inProcess: true } }, quiet);
    assert.equal(maxOf(raised), projections.length + 2);
    assert.match(quiet.lines.join("\n"), /too small/);
    const withPublisher = withPoolFloor({ url: URL, max: 3 }, { projections: { inProcess: true }, publisher: { url: "nats://x", inProcess: true } }, quiet);
    assert.equal(maxOf(withPublisher), projections.length + 3);
    // A custom list of projections counts as it is.
    const two = withPoolFloor({ url: URL, max: 1 }, { projections: { inProcess: true, projections: projections.slice(0, 2) } }, quiet);
    assert.equal(maxOf(two), 4);
  });

  it("leaves alone a pool that is large enough, one with no projectors here, and PGlite", () => {
    quiet.lines = [];
    assert.equal(maxOf(withPoolFloor({ url: URL, max: 40 }, { projections: { inProcess: true } }, quiet)), 40);
    assert.equal(maxOf(withPoolFloor({ url: URL, max: 3 }, { projections: { inProcess: false } }, quiet)), 3);
    assert.equal(maxOf(withPoolFloor({ url: URL, max: 3 }, {}, quiet)), 3);
    const pglite = { dataDir: "/tmp/nowhere" };
    assert.equal(withPoolFloor(pglite, { projections: { inProcess: true } }, quiet), pglite);
    assert.deepEqual(quiet.lines, []);
  });
});

describe("the app's ledger config", () => {
  it("DATABASE_POOL_SIZE=3 with the projectors in the app: the pool createLedger opens is raised to the floor", () => {
    const { source, options } = appLedgerConfig(env({ DATABASE_URL: URL, DATABASE_POOL_SIZE: "3" }));
    assert.equal(maxOf(source), 3);
    assert.equal(options.projections?.inProcess, true);
    assert.equal(maxOf(withPoolFloor(source, options, quiet)), projections.length + 2);
  });

  it("with NATS_URL the publisher's connection is added; with PROJECTIONS=off the pool stays as asked", () => {
    const nats = appLedgerConfig(env({ DATABASE_URL: URL, DATABASE_POOL_SIZE: "3", NATS_URL: "nats://127.0.0.1:4222" }));
    assert.equal(maxOf(withPoolFloor(nats.source, nats.options, quiet)), projections.length + 3);
    const off = appLedgerConfig(env({ DATABASE_URL: URL, DATABASE_POOL_SIZE: "3", PROJECTIONS: "off" }));
    assert.equal(maxOf(withPoolFloor(off.source, off.options, quiet)), 3);
  });
});
