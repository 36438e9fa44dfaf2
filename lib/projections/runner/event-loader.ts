import { sql } from "drizzle-orm";
import { query, type Database, type Db } from "@/db/client";
import { readAll, type GlobalCursor, type RecordedEvent } from "@/lib/eventstore";
import { readAheadOf } from "../read-ahead";
import type { Projection } from "../types";

/** A batch of the log for one projection: all events read, those it handles, its prepared work. */
export interface Batch {
  events: RecordedEvent[];
  relevant: RecordedEvent[];
  /** What the projection's read-ahead hook prepared (undefined: nothing; `handle` does it all). */
  prepared: unknown;
}

/** Events (in batches) kept for the other projections of the runner to reuse. */
const RECENT_READS_EVENTS = 20_000;

const readKey = (after: GlobalCursor, limit: number) => `${after.transactionId}_${after.position}/${limit}`;

/**
 * Loads the log for a runner's projections with the store's follower-safe read (`readAll`: events
 * of ended transactions only, up to the high-water mark below which no transaction is still open).
 * Reads are shared between the projections of the runner: they usually sit at the same cursor,
 * and a read result may be reused because it is a prefix of any later read from the same cursor
 * (every event in it belongs to a transaction that had ended; anything that becomes readable later
 * comes after it in the order). A batch read ahead is used by the same argument.
 */
export class EventLoader {
  private readonly recentReads = new Map<string, RecordedEvent[]>();
  private recentReadsEvents = 0;
  /** Reads started ahead, while the previous batch is applied (PostgreSQL, catching up). */
  private readonly readsAhead = new Map<string, Promise<RecordedEvent[]>>();
  private readonly feeds: ProjectionFeed[] = [];

  constructor(
    private readonly database: Database,
    private readonly options: {
      followers: number;
      /** What of each event's metadata to read: all of it only if a projection reads it (Projection.readsMetadata). */
      metadata: "all" | "traceparent";
      stopping: () => boolean;
      /** The store's codec: events opened and upcast before any projection sees them. */
      decode: (db: Db, events: RecordedEvent[]) => Promise<RecordedEvent[]>;
    },
  ) {}

  /** A feed of batches for one checkpoint of `projection` (each keeps its own read-ahead). */
  feed(projection: Projection): ProjectionFeed {
    const feed = new ProjectionFeed(this, projection);
    this.feeds.push(feed);
    return feed;
  }

  /** Wait for the reads in flight and forget them (the runner stops). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.readsAhead.values());
    this.readsAhead.clear();
    for (const feed of this.feeds) feed.ahead = null;
  }

  /** The events after `after`, on this transaction, or as another projection just read them. */
  async read(tx: Db, after: GlobalCursor, limit: number): Promise<RecordedEvent[]> {
    const key = readKey(after, limit);
    let events = this.recentReads.get(key);
    if (!events) {
      events = await this.options.decode(tx, (await readAll(tx, { after, limit, metadata: this.options.metadata })).events);
      this.remember(key, events, limit);
    }
    return events;
  }

  /**
   * Start reading the events after `after` now, outside any transaction, so that the database
   * and this process work at the same time. PostgreSQL only: PGlite has one connection, which the
   * running transaction holds. Undefined when not started.
   */
  startRead(after: GlobalCursor, limit: number): { key: string; events: Promise<RecordedEvent[]> } | undefined {
    if (this.database.kind !== "postgres" || this.options.stopping()) return undefined;
    const key = readKey(after, limit);
    let events = this.readsAhead.get(key);
    if (!events) {
      const cached = this.recentReads.get(key);
      events = cached
        ? Promise.resolve(cached)
        : readAll(this.database.db, { after, limit, metadata: this.options.metadata }).then(
            (page) => this.options.decode(this.database.db, page.events),
            () => [] as RecordedEvent[],
          );
      this.readsAhead.set(key, events);
      // Shared by the projections at the same cursor; drop the oldest if they pile up (a lane failed).
      if (this.readsAhead.size > this.options.followers * 2) this.readsAhead.delete(this.readsAhead.keys().next().value!);
    }
    return { key, events };
  }

  /** A read ahead is being used: stop holding it for others. */
  forgetReadAhead(key: string): void {
    this.readsAhead.delete(key);
  }

  /** Keep a read for the other projections of this runner, if it may serve them. */
  remember(key: string, events: RecordedEvent[], limit: number) {
    // Only other projections of this runner could reuse it, and only a full read: a shorter one
    // is the tail as it was, and serving it to a projection that reads later would hold that
    // projection back by whatever committed since (bench: lag p99 from ~250 ms to ~50 ms).
    if (this.options.followers > 1 && events.length === limit && !this.recentReads.has(key)) {
      this.recentReads.set(key, events);
      this.recentReadsEvents += events.length;
      // Bounded in events, so that memory stays flat however long the log (big catch-up batches).
      for (const [oldest, batch] of this.recentReads) {
        if (this.recentReadsEvents <= RECENT_READS_EVENTS || oldest === key) break;
        this.recentReads.delete(oldest);
        this.recentReadsEvents -= batch.length;
      }
    }
  }
}

/** The batches of one checkpoint: the shared reads, filtered to what its projection handles. */
export class ProjectionFeed {
  private readonly handles: ReadonlySet<string>;
  /** The next batch, read (and prepared) while the current one is written. */
  ahead: { key: string; batch: Promise<Batch | null> } | null = null;

  constructor(
    private readonly loader: EventLoader,
    private readonly projection: Projection,
  ) {
    this.handles = new Set(projection.canHandle);
  }

  /** The batch after `after`, on this transaction (or as read ahead). */
  async read(tx: Db, after: GlobalCursor, limit: number): Promise<Batch> {
    const key = readKey(after, limit);
    const ahead = this.ahead;
    this.ahead = null;
    if (ahead?.key === key) {
      this.loader.forgetReadAhead(key);
      // Empty, it says nothing (held back then, maybe readable now): read again.
      const batch = await ahead.batch;
      if (batch) {
        this.loader.remember(key, batch.events, limit);
        return batch;
      }
    }
    const events = await this.loader.read(tx, after, limit);
    return { events, relevant: this.relevant(events), prepared: undefined };
  }

  /** Start reading the batch after `after`, and prepare it (read-ahead hook) as soon as it arrives. */
  readAhead(after: GlobalCursor, limit: number): void {
    const started = this.loader.startRead(after, limit);
    if (!started) return;
    const hook = readAheadOf(this.projection);
    const batch = started.events.then((read): Batch | null => {
      if (!read.length) return null;
      const relevant = this.relevant(read);
      let prepared: unknown;
      try {
        prepared = relevant.length && hook ? hook.prepare(relevant) : undefined;
      } catch {
        prepared = undefined; // handle prepares again, and fails there, with the failure policy.
      }
      return { events: read, relevant, prepared };
    });
    this.ahead = { key: started.key, batch };
  }

  private relevant(events: RecordedEvent[]) {
    return events.filter((event) => this.handles.has(event.type));
  }
}

/**
 * Whether committed events lie beyond `after` that readAll still holds back, until every older
 * append in flight has ended (on PGlite: every older transaction). No notification says when
 * that happens, so the runner looks again soon.
 */
export async function hasHeldBackEvents(tx: Db, after: GlobalCursor): Promise<boolean> {
  const [pending] = await query<{ pending: boolean }>(
    tx,
    sql`select exists (select 1 from events where (transaction_id, position) >
          (${after.transactionId}::text::xid8, ${after.position}::bigint)) as pending`,
  );
  return Boolean(pending?.pending);
}
