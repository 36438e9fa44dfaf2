import type { Db } from "@/db/client";
import { EventCodec } from "./codec";
import { InvalidAppendError, VersionConflictError } from "./errors";
import type { PersonalData } from "./crypto/personal";
import { metrics } from "@/lib/observability/metrics";
import { withSpan } from "@/lib/observability/tracing";
import { prepareAppend } from "./prepare-append";
import { notifyAppended } from "./notify";
import { appendPrepared } from "./sql/append";
import { readAll, type ReadAllOptions } from "./sql/read-all";
import { readStream, streamVersion } from "./sql/read-stream";
import type { AppendOptions, AppendResult, EventRegistry, NewEvent, RecordedEvent } from "./types";

/**
 * The event store: four verbs over the `events` table. One implementation serves PostgreSQL
 * (postgres.js) and PGlite; only `Db` differs. Snapshots (sql/snapshots.ts) and the command log
 * (sql/command-log.ts) are companions that work on the same `db`; whoever reads events or
 * snapshots past the store's verbs passes them through `codec` (see codec.ts).
 */
export interface EventStore {
  /** The database the store reads and writes: for its companions and for queries. */
  readonly db: Db;

  /** Encryption of personal fields and upcasting, for read paths outside these verbs. */
  readonly codec: EventCodec;

  /**
   * Append events to a stream atomically, if the stream is at `options.expectedVersion`.
   * Throws VersionConflictError (nothing written) when it is not, and InvalidAppendError
   * (nothing written) when the append itself is malformed or the store has no registry. With a
   * `commandId` already seen, returns the first outcome with `duplicate: true` and appends nothing.
   * The events come back as appended (plaintext), whatever is stored.
   */
  append(streamId: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;

  /** The events of one stream in version order, optionally within [fromVersion, toVersion]; upcast and opened. */
  readStream(streamId: string, range?: { fromVersion?: number; toVersion?: number }): Promise<RecordedEvent[]>;

  /**
   * One page of the global log in the follower-safe (transaction id, position) order, after an
   * opaque cursor; pass the returned `cursor` back as `after`. Throws InvalidCursorError on a
   * cursor this store did not hand out. Events upcast and opened.
   */
  readAll(options?: ReadAllOptions): Promise<{ events: RecordedEvent[]; cursor: string }>;

  /** The stream's current version, or 0 when it does not exist. */
  streamVersion(streamId: string): Promise<number>;
}

/**
 * The store over `db`. `registry` validates appended events and upcasts read ones; a store made
 * without one only reads (every append is refused as an unknown event type). With `personal`,
 * personal fields are encrypted per stream (crypto-shredding, lib/eventstore/crypto).
 */
export function createEventStore(db: Db, registry: EventRegistry = {}, options: { personal?: PersonalData } = {}): EventStore {
  const codec = new EventCodec(registry, options.personal ?? null);
  return {
    db,
    codec,
    // async: a malformed append rejects like any other failure, it never throws synchronously.
    append: (streamId, events, appendOptions) =>
      measured(streamId, events.length, async () => {
        const prepared = prepareAppend(registry, streamId, events, appendOptions);
        const write = async (target: Db, notify: boolean) => {
          const stored = await codec.encode(target, streamId, prepared.payload);
          return appendPrepared(target, streamId, { ...prepared, payload: stored }, appendOptions, { notify });
        };
        const also = appendOptions.inTransaction;
        const result = also ? await withinTransaction(db, write, also) : await write(db, true);
        // The caller folds what it appended: the plaintext, not the ciphertext.
        return { ...result, events: result.events.map((event, index) => ({ ...event, data: prepared.payload[index].data })) };
      }),
    readStream: async (streamId, range) => codec.decode(db, await readStream(db, streamId, range)),
    readAll: async (options) => {
      const page = await readAll(db, options);
      return { events: await codec.decode(db, page.events), cursor: page.cursor };
    },
    streamVersion: (streamId) => streamVersion(db, streamId),
  };
}

/**
 * The append and `also` in one transaction (AppendOptions.inTransaction); followers are woken
 * once it has committed. On a store already bound to a transaction this is a savepoint, and the
 * wake-up is sent inside the caller's transaction, as for any of its appends (notify.ts).
 */
async function withinTransaction(
  db: Db,
  write: (target: Db, notify: boolean) => Promise<AppendResult>,
  also: (tx: Db) => Promise<void>,
): Promise<AppendResult> {
  const result = await db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const appended = await write(tx, false);
    if (!appended.duplicate) await also(tx);
    return appended;
  });
  if (!result.duplicate) await notifyAppended(db, result.lastPosition);
  return result;
}

/**
 * Count and time an append by its outcome (GET /api/metrics), in an `append` span. The span is
 * active while the events are prepared, so their metadata carries its `traceparent` and the
 * projector continues the trace (prepare-append.ts).
 */
function measured(streamId: string, count: number, append: () => Promise<AppendResult>): Promise<AppendResult> {
  return withSpan("append", { "ledger.stream": streamId, "ledger.events": count }, async (span) => {
    const { appends, appendSeconds } = metrics();
    const started = performance.now();
    let outcome = "error";
    try {
      const result = await append();
      outcome = result.duplicate ? "duplicate" : "appended";
      span.setAttributes({ "ledger.version": result.nextExpectedVersion, "ledger.position": result.lastPosition, "ledger.first_position": result.firstPosition });
      return result;
    } catch (error) {
      if (error instanceof VersionConflictError) outcome = "conflict";
      else if (error instanceof InvalidAppendError) outcome = "invalid";
      throw error;
    } finally {
      span.setAttribute("ledger.outcome", outcome);
      appends.inc({ outcome });
      appendSeconds.observe({ outcome }, (performance.now() - started) / 1000);
    }
  });
}
