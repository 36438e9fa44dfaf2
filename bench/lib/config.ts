import { execFileSync } from "node:child_process";
import type { BenchConfig } from "./context";

/** Repetitions and data sizes: the full suite's, or --quick's (for development; not comparable). */
export function configFor(quick: boolean, peers: boolean): BenchConfig {
  return quick
    ? { quick, peers, repMs: 500, warmupMs: 250, reps: 3, catchUpEvents: 10_000, listCustomers: 10_000, streamEvents: 2_000, concurrency: [1, 4, 16] }
    : { quick, peers, repMs: 1_500, warmupMs: 600, reps: 3, catchUpEvents: 100_000, listCustomers: 100_000, streamEvents: 10_000, concurrency: [1, 4, 16] };
}

/** The commit the bench ran on, for its results file. */
export function gitCommit(): string | null {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  } catch {
    return null;
  }
}
