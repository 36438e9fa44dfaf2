/**
 * Fan-out of the store's `ledger_events` notifications to server-sent-event clients.
 *
 * One database listener per process however many tabs are open (a LISTEN per client would hold
 * a PostgreSQL connection each). The listener starts with the first subscriber and stops a
 * little after the last one leaves, so closed tabs leave nothing behind. Bursts are coalesced:
 * subscribers get at most one message per `coalesceMs` carrying the highest position seen.
 */
import { EVENTS_CHANNEL } from "@/lib/eventstore";

export type Listen = (channel: string, onPayload: (payload: string) => void) => Promise<() => Promise<void>>;

export interface LiveMessage {
  position: number;
}

type Subscriber = (message: LiveMessage) => void;

export class LiveHub {
  private readonly subscribers = new Set<Subscriber>();
  private listening: Promise<(() => Promise<void>) | null> | null = null;
  private stopTimer: ReturnType<typeof setTimeout> | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private pending: number | null = null;

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
    this.listening ??= this.listen(EVENTS_CHANNEL, (payload) => this.onNotify(payload)).catch((error: unknown) => {
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
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      const message = { position: this.pending ?? 0 };
      this.pending = null;
      for (const subscriber of [...this.subscribers]) {
        try {
          subscriber(message);
        } catch (error) {
          console.error("[live] subscriber failed", error);
        }
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
      const unsubscribe = hub.subscribe((message) => send(`event: events\ndata: ${JSON.stringify(message)}\n\n`));
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
