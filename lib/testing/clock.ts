/** A fixed clock for tests: `at()` is 2025-01-01T00:00:00Z, `at(n)` n minutes later. */
export function at(minutes = 0): string {
  return new Date(Date.UTC(2025, 0, 1, 0, minutes)).toISOString();
}

/**
 * The recorded time of the log's latest event (ISO, milliseconds: as events carry it), once the
 * clock has moved past it, so that whatever is appended next is stamped later. Events are
 * stamped by the database (`now()` of the appending transaction), so tests that need moments
 * between changes take them from the log like this instead of setting a clock.
 */
export async function afterRecorded(store: { db: unknown }): Promise<string> {
  const { query } = await import("@/db/client");
  const { sql } = await import("drizzle-orm");
  const [row] = await query<{ at: string | Date | null }>(store.db as never, sql`select max(created_at) as at from events`);
  if (!row?.at) throw new Error("afterRecorded: the log is empty");
  const at = new Date(row.at);
  while (Date.now() <= at.getTime() + 2) await new Promise((resolve) => setTimeout(resolve, 2));
  return at.toISOString();
}
