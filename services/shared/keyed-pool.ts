/**
 * A bounded pool of workers where tasks of one key run one at a time, in the order they were
 * pushed, and tasks of different keys run in parallel (at most `workers` at once). Consumers use
 * the event's stream id as the key: a customer's events in version order, customers in parallel.
 */
export class KeyedPool {
  private readonly queues = new Map<string, (() => Promise<void>)[]>();
  /** Keys with work waiting and none running. */
  private readonly ready: string[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  /** Most tasks that ran at once (tests: proof of parallelism). */
  peakRunning = 0;

  constructor(private readonly workers: number) {
    if (!Number.isInteger(workers) || workers < 1) throw new Error("KeyedPool needs at least one worker");
  }

  /** Tasks queued or running. */
  get size(): number {
    let n = 0;
    for (const queue of this.queues.values()) n += queue.length;
    return n;
  }

  push(key: string, task: () => Promise<void>): void {
    const queue = this.queues.get(key);
    if (queue) {
      queue.push(task);
      return;
    }
    this.queues.set(key, [task]);
    this.ready.push(key);
    this.pump();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.queues.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < this.workers && this.ready.length) {
      const key = this.ready.shift()!;
      this.running++;
      this.peakRunning = Math.max(this.peakRunning, this.running);
      void this.runKey(key);
    }
  }

  private async runKey(key: string): Promise<void> {
    const queue = this.queues.get(key)!;
    try {
      await queue[0]();
    } catch {
      // Tasks handle their own failures; a throw here must not stall the key.
    }
    queue.shift();
    this.running--;
    if (queue.length) this.ready.push(key);
    else this.queues.delete(key);
    this.pump();
    if (this.queues.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }
}
