/**
 * Sign-in attempts, limited per account and per process: a sliding window of recent attempts.
 * Keyed on the email, not the client address, because `next start` passes a client's own
 * X-Forwarded-For through (STACK.md), and an address limit would lock out a shared office.
 * In memory: each app process limits on its own, which bounds guessing at N × the limit.
 */
export class AttemptLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records an attempt; returns the seconds to wait when over the limit, else 0. */
  hit(key: string): number {
    const now = this.now();
    const recent = (this.attempts.get(key) ?? []).filter((at) => now - at < this.windowMs);
    if (recent.length >= this.max) {
      this.attempts.set(key, recent);
      return Math.max(1, Math.ceil((recent[0] + this.windowMs - now) / 1000));
    }
    recent.push(now);
    this.attempts.set(key, recent);
    if (this.attempts.size > 10_000) this.prune(now);
    return 0;
  }

  private prune(now: number) {
    for (const [key, times] of this.attempts) if (times.every((at) => now - at >= this.windowMs)) this.attempts.delete(key);
  }
}

const positive = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

const globalForLimit = globalThis as unknown as { __ledgerSignInLimit?: AttemptLimiter };

/** The process's sign-in limiter: SIGN_IN_MAX_ATTEMPTS (default 10) per SIGN_IN_WINDOW_SECONDS (default 300) per email. */
export function signInLimiter(): AttemptLimiter {
  return (globalForLimit.__ledgerSignInLimit ??= new AttemptLimiter(
    positive(process.env.SIGN_IN_MAX_ATTEMPTS, 10),
    positive(process.env.SIGN_IN_WINDOW_SECONDS, 300) * 1000,
  ));
}
