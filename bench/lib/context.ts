import type { Database } from "@/db/client";
import type { EventStore } from "@/lib/eventstore";
import type { CustomerSketch, ProjectorRun } from "./shapes";
import type { LatencySummary } from "./stats";
export { check, DataSetError } from "./check";

/**
 * A goal, as the issue states it. `on: "ratio"` compares ours ÷ limit (always expressed as
 * "fraction of the limit's speed", so higher is better); `on: "value"` compares the median.
 */
export interface Goal {
  /** "ratio": ours ÷ the limit with our indexes; "bare": ours ÷ the bare limit (bare.ts). */
  on: "ratio" | "bare" | "value";
  op: ">=" | "<=" | "<";
  target: number;
  text: string;
}

/** One line of the results table. `values` holds one figure per measured repetition. */
export interface Row {
  scenario: string;
  case: string;
  metric: string;
  unit: string;
  better: "higher" | "lower";
  values: number[];
  /** The same-run baseline, one figure per repetition (paired with `values` when interleaved). */
  limit?: number[];
  /** Label of the baseline, e.g. "prepared INSERT, 1 row/tx". */
  limitLabel?: string;
  /** The bare limit (bare.ts), one figure per repetition, for write scenarios. */
  bare?: number[];
  /** A peer event store's figures for the same case (npm run bench -- --peers). */
  peer?: { name: string; values: number[] };
  /** Share of the machine's CPU that other processes used during the scenario (0–100). */
  othersCpuPct?: number;
  goal?: Goal;
  /** Latencies and other context for the reader (p50/p99, sizes). */
  detail?: string;
  /**
   * Set when the measurement did not run under the conditions its goal assumes (e.g. the lag's
   * write load fell short): the goal then counts as missed, whatever the figure.
   */
  invalid?: string;
  /** Raw per-repetition extras kept in the JSON file. */
  extra?: Record<string, unknown>;
}

/** The thinnest client for baselines: raw SQL text with parameters, no ORM, no mapping. */
export interface RawClient {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface BenchConfig {
  quick: boolean;
  /** Also measure the peer stores (Emmett) in the same run (`--peers`). */
  peers: boolean;
  /** Duration of one measured repetition of a throughput load. */
  repMs: number;
  /** Duration of the warm-up run of a throughput load. */
  warmupMs: number;
  /** Measured repetitions after the warm-up (at least 3). */
  reps: number;
  /** Data-set sizes. */
  catchUpEvents: number;
  listCustomers: number;
  streamEvents: number;
  /** Concurrency levels for append-one. */
  concurrency: number[];
}

export interface AppServer {
  baseUrl: string;
  /** What every request sends: the bench's API key (editor). */
  headers: Record<string, string>;
  pid: number;
  stop(): Promise<void>;
}

export interface BenchContext {
  kind: Database["kind"];
  database: Database;
  store: EventStore;
  /** PostgreSQL URL of the bench database (unset on PGlite). */
  url?: string;
  raw: RawClient;
  config: BenchConfig;
  /** Scratch directory of this run (PGlite data, logs, profiles). */
  tmpDir: string;
  report(row: Row): void;
  log(message: string): void;
  /** Figures one scenario leaves for another (e.g. the append-one rate the lag load is based on). */
  shared: {
    appServer?: Promise<AppServer>;
    /** The catch-up scenario's log, written once per run. */
    catchUpLog?: { customers: CustomerSketch[]; events: number };
    /** The catch-up scenario's projector processes, for the memory scenario. */
    projectorRuns?: { half: number; full: number; runs: ProjectorRun[] };
  };
}

export interface Scenario {
  id: string;
  title: string;
  /** Scenarios that only make sense on a PostgreSQL server. */
  postgresOnly?: boolean;
  /**
   * It appends to the log: the bench stops the app server first, if an earlier scenario started
   * it, because its in-process projectors would apply every append on the same two cores.
   */
  appends?: boolean;
  /** Set-up timed apart from the scenario (a production build, a shared data set). */
  prepare?(ctx: BenchContext): Promise<void>;
  run(ctx: BenchContext): Promise<void>;
}

export const fmtLatency = (s: LatencySummary) =>
  `p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`;
