import { rawQuery, type Db } from "@/db/client";

/** The channel followers LISTEN on; the payload is the highest position known committed. */
export const EVENTS_CHANNEL = "ledger_events";

interface NotifierState {
  inFlight: boolean;
  /** Highest position committed since the last NOTIFY was sent (null: nothing new). */
  pending: number | null;
  /** When the last NOTIFY was sent (ms since the epoch; 0: never). */
  sentAt: number;
  /** The least time between two NOTIFYs' starts. */
  spacingMs: number;
  warned: boolean;
}

const MIN_INTERVAL_MS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const notifiers = new WeakMap<object, NotifierState>();

/**
 * Wake followers after an append has committed. Sent outside the append's transaction on
 * purpose: a NOTIFY inside it would take PostgreSQL's database-wide notify lock at commit and
 * serialise every appending transaction behind it (see migration 0003).
 *
 * At most one NOTIFY is in flight per database handle, and at most one starts per 5 ms; appends
 * that commit meanwhile are folded into the next one, which carries the highest position. The
 * spacing counts from the last NOTIFY's start, not its end: one writer appending back to back
 * (each append well under 5 ms) otherwise sent one NOTIFY per append, a transaction of its own
 * beside each append, and appended a third slower for it. The NOTIFY commits asynchronously
 * (`synchronous_commit = off` for its own transaction only): it writes nothing that must survive
 * a crash. Fire and forget: a lost wake-up only delays followers until their safety-net poll,
 * because they read the log itself, never the payload.
 *
 * A store bound to a transaction (a Drizzle `tx`, which has no `$client`) cannot notify after
 * commit; it notifies inside the transaction instead, and the caller awaits that.
 */
export function notifyAppended(db: Db, position: number, spacingMs = MIN_INTERVAL_MS): Promise<void> | undefined {
  if (!(db as { $client?: unknown }).$client) {
    // A store bound to the caller's transaction: notify inside it, delivered when it commits.
    return rawQuery(db, "select pg_notify($1, $2)", [EVENTS_CHANNEL, String(position)]).then(() => undefined);
  }
  let state = notifiers.get(db);
  if (!state) {
    state = { inFlight: false, pending: null, sentAt: 0, spacingMs, warned: false };
    notifiers.set(db, state);
  }
  state.spacingMs = spacingMs;
  state.pending = Math.max(state.pending ?? 0, position);
  if (!state.inFlight) void drain(db, state);
  return undefined;
}

async function drain(db: Db, state: NotifierState): Promise<void> {
  state.inFlight = true;
  try {
    while (state.pending !== null) {
      // At most one wake-up per spacing (5 ms): each NOTIFY is a transaction of its own. A store
      // that has not notified for that long announces its append at once.
      const wait = state.sentAt + state.spacingMs - Date.now();
      if (wait > 0) await sleep(wait);
      const position = state.pending;
      state.pending = null;
      state.sentAt = Date.now();
      await rawQuery(
        db,
        "select set_config('synchronous_commit', 'off', true), pg_notify($1, $2)",
        [EVENTS_CHANNEL, String(position)],
      );
    }
  } catch (error) {
    state.pending = null;
    if (!isClosed(error) && !state.warned) {
      state.warned = true;
      console.warn(`[eventstore] wake-up NOTIFY failed (followers will poll): ${error instanceof Error ? error.message : String(error)}`);
    }
  } finally {
    state.inFlight = false;
  }
}

/** The database was closed under us (shutdown, end of a test): nobody is left to wake. */
function isClosed(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  return e?.code === "CONNECTION_ENDED" || e?.code === "CONNECTION_DESTROYED" || /closed|ended/i.test(e?.message ?? "");
}
