import type { Database } from "@/db/client";
import type { EventStore } from "@/lib/eventstore";
import type { CustomerSketch } from "./data";
import type { ProjectorRun } from "./projector-child";
import type { LatencySummary } from "./stats";

/**
 * A goal, as the issue states it. `on: "ratio"` compares ours ÷ limit (always expressed as
 * "fraction of the limit's speed", so higher is better); `on: "value"` compares the median.
 */
export interface Goal {
  on: "ratio" | "value";
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

/** A data-set check failed: the scenario measured something other than it claims. */
export class DataSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataSetError";
  }
}

/** Fail loudly when a scenario's data set is not what it should be. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new DataSetError(message);
}

/** The thinnest client for baselines: raw SQL text with parameters, no ORM, no mapping. */
export interface RawClient {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface BenchConfig {
  quick: boolean;
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
  /** Set-up timed apart from the scenario (a production build, a shared data set). */
  prepare?(ctx: BenchContext): Promise<void>;
  run(ctx: BenchContext): Promise<void>;
}

export const fmtLatency = (s: LatencySummary) =>
  `p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`;
