/**
 * The one base of the application's errors: a `code` (the literal the HTTP API answers with,
 * or close to it) and a `name`, which together identify the error.
 *
 * `instanceof` is structural, not by class identity. Inside Next, one module can be loaded more
 * than once (the instrumentation bundle that creates the app singleton, and each route's or
 * page's bundle), so an error thrown by one copy of a class must still be an instance of another
 * copy: a missed VersionConflictError would answer 500 instead of retrying. The guard is defined
 * here once and inherited by every subclass.
 */
const BRAND = Symbol.for("ledger.error");

export class LedgerError extends Error {
  /** Set by each subclass: the `code` and `name` every instance carries. */
  static readonly code: string | undefined = undefined;
  static readonly errorName: string | undefined = undefined;

  readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    const kind = new.target as unknown as { code?: string; errorName?: string };
    this.code = kind.code ?? "internal_error";
    this.name = kind.errorName ?? "LedgerError";
    Object.defineProperty(this, BRAND, { value: true });
  }

  /**
   * `value instanceof SomeLedgerError`: an Error with that class's name and code, whichever copy
   * of the module made it. `value instanceof LedgerError`: any error made by this base.
   */
  static [Symbol.hasInstance](this: { code?: string; errorName?: string }, value: unknown): boolean {
    if (this.errorName === undefined) return isLedgerError(value);
    return value instanceof Error && value.name === this.errorName && (value as { code?: unknown }).code === this.code;
  }
}

/** Any LedgerError (from any copy of this module), optionally only one with `code`. */
export function isLedgerError(value: unknown, code?: string): value is LedgerError {
  return (
    value instanceof Error &&
    (value as unknown as Record<symbol, unknown>)[BRAND] === true &&
    (code === undefined || (value as { code?: unknown }).code === code)
  );
}
