/** A fixed clock for tests: `at()` is 2025-01-01T00:00:00Z, `at(n)` n minutes later. */
export function at(minutes = 0): string {
  return new Date(Date.UTC(2025, 0, 1, 0, minutes)).toISOString();
}
