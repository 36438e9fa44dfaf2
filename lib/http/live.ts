/**
 * Fan-out of the store's `ledger_events` notifications to server-sent-event clients.
 *
 * One database listener per process however many tabs are open (a LISTEN per client would hold
 * a PostgreSQL connection each). The listener starts with the first subscriber and stops a
 * little after the last one leaves, so closed tabs leave nothing behind. Bursts are coalesced:
 * subscribers get at most one message per `coalesceMs` carrying the highest position seen.
 *
 * Two kinds of message: `{ position }`, events were appended up to there; and `{ projection,
 * position }`, that projection's read tables have applied the log up to there. A page refetches
 * on the second kind for the projection it reads, so that it never refetches before the read
 * table has the change (and then stays stale until the next event).
 */
import { EVENTS_CHANNEL } from "@/lib/eventstore";
import { recordSpanIn } from "@/lib/observability/tracing";
import { CHECKPOINTS_CHANNEL } from "@/lib/projections/runner";

export type Listen = (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>;

export type LiveMessage = { position: number } | { projection: string; position: number };

type Subscriber = (message: LiveMessage) => void;

/** Traces one flush adds a `live update` span to; the rest of a burst goes untraced. */
const MAX_TRACED_PER_FLUSH = 32;

export class LiveHub {
  private readonly subscribers = new Set<Subscriber>();
  private listening: Promise<(() => Promise<void>) | null> | null = null;
  private stopTimer: ReturnType<typeof setTimeout> | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private pending: number | null = null;
  private pendingProjections = new Map<string, number>();
  /** Traces whose events reached a read table since the last flush (at most MAX_TRACED_PER_FLUSH). */
  private pendingTraces = new Map<string, { projection: string; position: number }>();

  constructor(
    private readonly listen: Listen,
    private readonly options: { coalesceMs?: number; idleStopMs?: number } = {},
  ) {}

  /** Subscribe; returns the unsubscribe function (idempotent). */
  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    if (this.stopTimer) {
      clearTimeout(this.stopTimer);
      this.stopTimer = null;
    }
    this.listening ??= this.listenBoth().catch((error: unknown) => {
      console.error("[live] LISTEN failed", error);
      this.listening = null;
      return null;
    });
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) this.scheduleStop();
    };
  }

  /** How many clients are subscribed, and whether the database listener is up. */
  stats(): { subscribers: number; listening: boolean } {
    return { subscribers: this.subscribers.size, listening: this.listening !== null };
  }

  /** Stop listening now (tests, shutdown). */
  async stop(): Promise<void> {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.stopTimer = this.flushTimer = null;
    const listening = this.listening;
    this.listening = null;
    const unlisten = await listening;
    await unlisten?.().catch(() => {});
  }

  private async listenBoth(): Promise<() => Promise<void>> {
    const events = await this.listen(EVENTS_CHANNEL, (payload) => this.onNotify(payload));
    try {
      const checkpoints = await this.listen(CHECKPOINTS_CHANNEL, (payload) => this.onCheckpoint(payload));
      return async () => {
        await Promise.allSettled([events(), checkpoints()]);
      };
    } catch (error) {
      await events().catch(() => {});
      throw error;
    }
  }

  /**
   * `<projection>:<position>[:<traceparent>]` from a live checkpoint (rebuilds and bare names are
   * not news to pages). The traceparent is the batch's last traced event's: its trace gets the
   * `live update` span of the flush that announces it.
   */
  private onCheckpoint(payload: string) {
    const match = /^([a-z][a-z0-9_]*):(\d+)(?::([0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}))?$/.exec(payload);
    if (!match || match[1].endsWith("__rebuild")) return;
    const position = Number(match[2]);
    this.pendingProjections.set(match[1], Math.max(this.pendingProjections.get(match[1]) ?? 0, position));
    if (match[3] && this.pendingTraces.size < MAX_TRACED_PER_FLUSH) this.pendingTraces.set(match[3], { projection: match[1], position });
    this.scheduleFlush();
  }

  private scheduleStop() {
    const idle = this.options.idleStopMs ?? 10_000;
    this.stopTimer = setTimeout(() => {
      this.stopTimer = null;
      if (this.subscribers.size === 0) void this.stop();
    }, idle);
    this.stopTimer.unref?.();
  }

  private onNotify(payload: string) {
    const position = Number(payload);
    if (!Number.isFinite(position)) return;
    this.pending = Math.max(this.pending ?? 0, position);
    this.scheduleFlush();
  }

  private scheduleFlush() {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      const messages: LiveMessage[] = [];
      if (this.pending !== null) messages.push({ position: this.pending });
      for (const [projection, position] of this.pendingProjections) messages.push({ projection, position });
      const started = Date.now();
      const traces = this.pendingTraces;
      this.pending = null;
      this.pendingProjections = new Map();
      this.pendingTraces = new Map();
      for (const subscriber of [...this.subscribers]) {
        for (const message of messages) {
          try {
            subscriber(message);
          } catch (error) {
            console.error("[live] subscriber failed", error);
          }
        }
      }
      for (const [traceparent, { projection, position }] of traces) {
        const attributes = { "ledger.projection": projection, "ledger.position": position, "ledger.subscribers": this.subscribers.size };
        recordSpanIn(traceparent, "live update", attributes, started);
      }
    }, this.options.coalesceMs ?? 150);
  }
}

const globalForLive = globalThis as unknown as { __ledgerLiveHub?: LiveHub };

/** The process-wide hub (route bundles share it through globalThis). */
export function liveHub(listen: Listen): LiveHub {
  globalForLive.__ledgerLiveHub ??= new LiveHub(listen);
  return globalForLive.__ledgerLiveHub;
}

/** Most SSE clients one process serves (LIVE_MAX_CLIENTS, default 500): each holds a socket and timers. */
export const liveMaxClients = () => Number(process.env.LIVE_MAX_CLIENTS ?? 500);

/** 503 with Retry-After when the process already serves `liveMaxClients()` live clients; else null. */
export function liveOverCapacity(hub: LiveHub, max = liveMaxClients()): Response | null {
  if (hub.stats().subscribers < max) return null;
  return Response.json(
    { error: { code: "overloaded", message: "Too many live-update connections; try again shortly" } },
    { status: 503, headers: { "retry-after": "10", "cache-control": "no-store" } },
  );
}

/**
 * A `text/event-stream` response that forwards hub messages until the client goes away.
 * Everything it set up (subscription, heartbeat) is released on abort or cancel.
 */
export function liveResponse(hub: LiveHub, signal: AbortSignal, heartbeatMs = 20_000): Response {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (text: string) => {
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          cleanup();
        }
      };
      send("retry: 3000\n\n");
      send(`event: ready\ndata: {}\n\n`);
      const unsubscribe = hub.subscribe((message) =>
        send(`event: ${"projection" in message ? "projection" : "events"}\ndata: ${JSON.stringify(message)}\n\n`),
      );
      const heartbeat = setInterval(() => send(": ping\n\n"), heartbeatMs);
      let done = false;
      cleanup = () => {
        if (done) return;
        done = true;
        clearInterval(heartbeat);
        unsubscribe();
        signal.removeEventListener("abort", cleanup);
        try {
          controller.close();
        } catch {
          /* already closed */
        }
      };
      if (signal.aborted) cleanup();
      else signal.addEventListener("abort", cleanup);
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
