import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

/** One bounded run of a closed-loop load: `concurrency` workers, each awaiting its own ops. */
export interface LoadResult {
  /** Operations completed (each awaited op is one). */
  ops: number;
  /** Events those operations wrote or read (an op may count several). */
  events: number;
  /** From the first op's start to the last op's end, including ops that ran past the deadline. */
  elapsedMs: number;
  /** Latency of every op, in completion order. */
  latenciesMs: number[];
}

export const eventsPerSecond = (run: LoadResult) => (run.events * 1000) / run.elapsedMs;
export const opsPerSecond = (run: LoadResult) => (run.ops * 1000) / run.elapsedMs;

/**
 * Run `op` from `concurrency` workers until `durationMs` has passed. Every op is awaited and
 * timed; an op that throws aborts the whole run (a benchmark whose operations fail measures
 * nothing). `op` returns how many events it handled (default 1).
 */
export async function runLoad(options: {
  durationMs: number;
  concurrency: number;
  op: (worker: number, iteration: number) => Promise<number | void>;
  /** Stop early after this many ops in total (bounded data sets). */
  maxOps?: number;
}): Promise<LoadResult> {
  const { durationMs, concurrency, op, maxOps = Number.POSITIVE_INFINITY } = options;
  const latenciesMs: number[] = [];
  let ops = 0;
  let events = 0;
  let started = 0;
  const begin = performance.now();
  const deadline = begin + durationMs;
  const worker = async (w: number) => {
    for (let i = 0; performance.now() < deadline && started < maxOps; i++) {
      started++;
      const t0 = performance.now();
      const handled = await op(w, i);
      latenciesMs.push(performance.now() - t0);
      ops++;
      events += typeof handled === "number" ? handled : 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { ops, events, elapsedMs: performance.now() - begin, latenciesMs };
}

/** Time one async call, in milliseconds. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export type Phase = "warmup" | "measure";

/**
 * Warm each variant up once, then run `reps` rounds of all variants, alternating their order
 * every round (A B, B A, A B …) so that a drift in the machine's speed during the scenario
 * falls on both sides of a comparison instead of on one.
 */
export async function interleave<S>(
  variants: Record<string, (phase: Phase, rep: number) => Promise<S>>,
  reps: number,
  options: { pauseMs?: number; onRep?: (name: string, rep: number, sample: S) => void } = {},
): Promise<Record<string, S[]>> {
  const names = Object.keys(variants);
  const samples: Record<string, S[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const name of names) await variants[name]("warmup", -1);
  for (let rep = 0; rep < reps; rep++) {
    const order = rep % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      if (options.pauseMs) await sleep(options.pauseMs);
      const sample = await variants[name]("measure", rep);
      samples[name].push(sample);
      options.onRep?.(name, rep, sample);
    }
  }
  return samples;
}
