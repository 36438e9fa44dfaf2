import { rawQuery, type Database, type Db } from "@/db/client";
import type { EventStore } from "@/lib/eventstore";
import { connectBroker, type Broker } from "@/lib/broker/connection";
import { ensureStream } from "@/lib/broker/streams";
import { describeError } from "@/lib/projections/errors";
import { ProjectionRunner, type RunnerOptions } from "@/lib/projections/runner";
import { readStatuses, type ProjectionStatus } from "@/lib/projections/status";
import type { Projection } from "@/lib/projections/types";
import { publishEvents } from "./publish";

/** The checkpoint name of the ledger's publisher (projection_checkpoints, /projections). */
export const PUBLISHER_NAME = "nats_publisher";

/**
 * How long the broker remembers a message id. Longer than the runner's whole retry cycle (at most
 * a few seconds between tries, see `retryMaxMs`) by far, so that a retry's repeat is dropped even
 * without the cursor check of publish.ts.
 */
export const DUPLICATE_WINDOW_MS = 10 * 60_000;
/** Back-off between tries while the broker is down: short, so that lag falls soon after it returns. */
const RETRY_MAX_MS = 1000;

export interface PublisherOptions {
  /** NATS_URL. */
  url: string;
  /** Publish from this process (else only report status, read from the database). */
  inProcess: boolean;
  /** The event types to publish: every type of the store's registry. */
  eventTypes: readonly string[];
  /** JetStream stream and subject prefix (default LEDGER and ledger). */
  stream?: string;
  prefix?: string;
  /** Checkpoint name (default nats_publisher). */
  name?: string;
  runner?: RunnerOptions;
  log?: Pick<Console, "log" | "warn" | "error">;
}

export interface PublisherRuntime {
  readonly name: string;
  /** The broker connection, once made (null while connecting, or when not in this process). */
  broker(): Broker | null;
  status(): Promise<ProjectionStatus>;
  stop(): Promise<void>;
}

/** The publisher as a projection without tables: its `handle` publishes, its checkpoint is the publish position. */
export function publisherProjection(
  broker: () => Broker | null,
  options: { name: string; stream: string; prefix: string; eventTypes: readonly string[] },
): Projection {
  let log: string | null = null;
  return {
    name: options.name,
    tables: [],
    canHandle: options.eventTypes,
    // Messages carry the events' metadata (message.ts).
    readsMetadata: true,
    // Never park: a broker that refuses is not the event's fault, and skipping would lose it.
    failurePolicy: { mode: "halt" },
    async handle(tx: Db, events) {
      const connected = broker();
      if (!connected) throw new Error("not connected to the broker yet");
      log ??= await logIdentity(tx);
      await publishEvents(connected, { stream: options.stream, prefix: options.prefix, window: 256, log: log ?? "" }, events);
    },
  };
}

/** The id of the log's first event: names this log on the broker (LOG_HEADER). */
async function logIdentity(tx: Db): Promise<string | null> {
  const [first] = await rawQuery<{ id: string }>(tx, "select id::text as id from events order by position limit 1", []);
  return first?.id ?? null;
}

/**
 * Start the publisher of this process (SPEC §8): a checkpointed follower of the log on the
 * projection runner (same leases, presence and checkpoint table; shown on /projections), which
 * publishes every event in log order to `<prefix>.<streamType>.<eventType>` and moves its
 * checkpoint only after the broker's ack. Connecting (and creating the stream) happens in the
 * background, retried until it succeeds: a broker that is down at start delays publishing, never
 * the app.
 */
export function startPublisher(database: Database, store: EventStore, options: PublisherOptions): PublisherRuntime {
  const name = options.name ?? PUBLISHER_NAME;
  const stream = options.stream ?? "LEDGER";
  const prefix = options.prefix ?? "ledger";
  const log = options.log ?? console;
  let broker: Broker | null = null;
  let stopped = false;
  let connecting: string | null = options.inProcess ? "connecting to the broker" : null;
  const projection = publisherProjection(() => broker, { name, stream, prefix, eventTypes: options.eventTypes });
  const runner = new ProjectionRunner(database, [projection], {
    decode: (db, events) => store.codec.decode(db, events),
    retryMaxMs: RETRY_MAX_MS,
    ...options.runner,
  });

  const started = (async () => {
    if (!options.inProcess) return runner.ensureCheckpoints();
    for (let attempt = 1; !stopped; attempt++) {
      try {
        const connected: Broker = broker ?? (await connectBroker(options.url, { name: `ledger-publisher-${process.pid}` }));
        if (stopped) {
          await connected.close();
          break;
        }
        broker = connected;
        await ensureStream(connected.jsm, { name: stream, subjects: [`${prefix}.>`], duplicateWindowMs: DUPLICATE_WINDOW_MS });
        connecting = null;
        if (!stopped) await runner.start();
        log.log(`[publisher] publishing the log to ${stream} on ${connected.describe}`);
        return;
      } catch (error) {
        connecting = `cannot set up the stream ${stream}: ${describeError(error)}`;
        log.warn(`[publisher] ${connecting}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 200 * attempt)));
      }
    }
  })();

  return {
    name,
    broker: () => broker,
    async status() {
      const [status] = await readStatuses(database.db, [projection], { localRunner: runner.isRunning });
      status.kind = "publisher";
      status.note = connecting ?? `to JetStream stream ${stream}, subjects ${prefix}.<streamType>.<eventType>`;
      return status;
    },
    async stop() {
      stopped = true;
      // A first connect waits for the broker for ever: do not wait for it to stop.
      await Promise.race([started.catch(() => {}), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      await runner.stop();
      await broker?.close();
      broker = null;
    },
  };
}

/** The status row shown when no NATS_URL is configured. */
export function publisherOffStatus(name = PUBLISHER_NAME): ProjectionStatus {
  return {
    name,
    kind: "publisher",
    note: "NATS_URL is not set: nothing is published to a broker",
    position: 0,
    headPosition: 0,
    lag: 0,
    lagSeconds: 0,
    status: "off",
    parked: 0,
    eventsApplied: 0,
    updatedAt: null,
    worker: null,
  };
}
