/**
 * A level-triggered wake-up: `fire()` while nobody waits is remembered, so a notification that
 * arrives while a batch is running is never lost (the next wait returns at once).
 */
export class Signal {
  private pending = false;
  private waiters: (() => void)[] = [];

  fire(): void {
    const waiters = this.waiters;
    this.waiters = [];
    if (waiters.length === 0) this.pending = true;
    for (const wake of waiters) wake();
  }

  /** Resolves on the next `fire()` (or a pending one), or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const wake = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== wake);
        resolve();
      }, Math.max(0, ms));
      this.waiters.push(wake);
    });
  }
}
