import { LedgerError } from "@/lib/errors";

/**
 * Too many commands are in flight in this process: answered 503 with Retry-After. Waiting in an
 * unbounded queue instead would only turn a burst into timeouts for everyone, and hold memory
 * and database connections while doing it.
 */
export class OverloadedError extends LedgerError {
  static override readonly code = "overloaded";
  static override readonly errorName = "OverloadedError";
  declare readonly code: "overloaded";
  constructor(readonly retryAfterSeconds: number) {
    super("Too many commands in flight; try again shortly");
  }
}

/** The bound on commands in flight per process (COMMANDS_MAX_IN_FLIGHT, COMMANDS_RETRY_AFTER_SECONDS). */
export interface AdmissionLimits {
  maxInFlight: number;
  retryAfterSeconds: number;
}

export function admissionLimitsFromEnv(env: NodeJS.ProcessEnv = process.env): AdmissionLimits {
  const positive = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number above 0`);
    return value;
  };
  return { maxInFlight: positive("COMMANDS_MAX_IN_FLIGHT", 64), retryAfterSeconds: positive("COMMANDS_RETRY_AFTER_SECONDS", 1) };
}

/** Counts the commands in flight against the limit; one per process (on globalThis, as bundles repeat modules). */
export class Admission {
  private inFlight = 0;
  constructor(public limits: AdmissionLimits) {}

  get current(): number {
    return this.inFlight;
  }

  /** Run `work` if there is room, else throw OverloadedError at once. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.inFlight >= this.limits.maxInFlight) throw new OverloadedError(this.limits.retryAfterSeconds);
    this.inFlight++;
    try {
      return await work();
    } finally {
      this.inFlight--;
    }
  }
}

const holder = globalThis as unknown as { __ledgerAdmission?: Admission };

export function admission(): Admission {
  holder.__ledgerAdmission ??= new Admission(admissionLimitsFromEnv());
  return holder.__ledgerAdmission;
}
