import { AckPolicy, DeliverPolicy, type ConsumerInfo, type ConsumerMessages, type JsMsg } from "@nats-io/jetstream";
import { sql } from "drizzle-orm";
import { query, type Database, type Db } from "@/db/client";
import type { Broker } from "@/lib/broker/connection";
import { isNotFound } from "@/lib/broker/streams";
import { lockForAppend } from "@/lib/eventstore";
import type { PublishedEvent } from "@/lib/publisher/message";
import { KeyedPool } from "./keyed-pool";

export interface ConsumerSpec {
  /** The JetStream stream read, and the subject filter (one: servers before 2.10 take no list). */
  stream: string;
  filterSubject: string;
  /** Durable consumer name; also the key of its handled-message records. */
  durable: string;
  /** Messages delivered and not yet acknowledged, at most: the backpressure on this consumer. */
  maxAckPending: number;
  /** Messages handled at once (different keys only). */
  workers: number;
  /** Messages of one key are handled one at a time, in stream order (default: the event's stream id). */
  keyOf?: (event: PublishedEvent) => string;
  /**
   * The effect of one message, inside the transaction that also records its id: both commit or
   * neither. Use `tx` only. Throwing retries the message in place (its key waits), never skips it.
   */
  handle(tx: Db, event: PublishedEvent): Promise<void>;
  log?: Pick<Console, "log" | "warn" | "error">;
  /** How long the broker waits for an ack before redelivering (default 30 s). */
  ackWaitMs?: number;
  /** Checked while waiting for the stream to exist: true ends the wait (the service is stopping). */
  stopped?: () => boolean;
  /** Test hook: after the effect committed, before the ack (a throw leaves the message unacknowledged). */
  afterCommit?: (event: PublishedEvent) => Promise<void>;
}

export interface RunningConsumer {
  readonly pool: KeyedPool;
  /** Messages whose effect was committed (not counting redeliveries that changed nothing). */
  readonly applied: () => number;
  info(): Promise<ConsumerInfo>;
  stop(): Promise<void>;
}

const RETRY_MAX_MS = 2000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Handle one message once: in one transaction, look up its id among the handled ones, apply the
 * effect, record the id. True when applied, false when it had been handled before. On PostgreSQL
 * the append lock is taken first, so that the effect may append events after other writes.
 */
export async function handleOnce(database: Database, consumer: string, messageId: string, work: (tx: Db) => Promise<void>): Promise<boolean> {
  return database.db.transaction(async (raw) => {
    const tx = raw as unknown as Db;
    if (database.kind === "postgres") await lockForAppend(tx);
    const seen = await query(tx, sql`select 1 from service_processed_messages where consumer = ${consumer} and message_id = ${messageId}`);
    if (seen.length) return false;
    await work(tx);
    await tx.execute(sql`insert into service_processed_messages (consumer, message_id) values (${consumer}, ${messageId})`);
    return true;
  });
}

/**
 * A durable JetStream pull consumer feeding a bounded worker pool (messages of one key in order,
 * keys in parallel). Each message is acknowledged only after its effect and its id have
 * committed; a redelivery (the ack was lost, the process died before it) finds the id and
 * changes nothing. The broker delivers at most `maxAckPending` unacknowledged messages, so a
 * slow handler holds the flood on the broker, not in this process's memory.
 */
export async function startConsumer(broker: Broker, database: Database, spec: ConsumerSpec): Promise<RunningConsumer> {
  const log = spec.log ?? console;
  const keyOf = spec.keyOf ?? ((event: PublishedEvent) => event.streamId);
  const config = {
    durable_name: spec.durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: spec.filterSubject,
    max_ack_pending: spec.maxAckPending,
    ack_wait: (spec.ackWaitMs ?? 30_000) * 1_000_000,
  };
  // The stream is made by its publisher, which may start later: wait for it.
  for (let attempt = 1; ; attempt++) {
    try {
      const existing = await broker.jsm.consumers.info(spec.stream, spec.durable).catch((error) => (isNotFound(error) ? null : Promise.reject(error)));
      if (!existing) await broker.jsm.consumers.add(spec.stream, config);
      else if (existing.config.max_ack_pending !== spec.maxAckPending) {
        await broker.jsm.consumers.update(spec.stream, spec.durable, { max_ack_pending: spec.maxAckPending });
      }
      break;
    } catch (error) {
      if (spec.stopped?.()) throw new Error(`${spec.durable}: stopped before the stream ${spec.stream} existed`);
      if (attempt % 20 === 1) log.warn(`[${spec.durable}] waiting for stream ${spec.stream}: ${(error as Error).message}`);
      await sleep(250);
    }
  }
  const pool = new KeyedPool(spec.workers);
  let applied = 0;
  let stopping = false;
  const consumer = await broker.js.consumers.get(spec.stream, spec.durable);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: spec.maxAckPending });

  const process = async (message: JsMsg, event: PublishedEvent) => {
    const id = message.headers?.get("Nats-Msg-Id") || `${spec.stream}:${message.seq}`;
    for (let failures = 0; !stopping; failures++) {
      try {
        if (await handleOnce(database, spec.durable, id, (tx) => spec.handle(tx, event))) applied++;
        await spec.afterCommit?.(event);
        message.ack();
        return;
      } catch (error) {
        log.error(`[${spec.durable}] ${event.type} ${event.streamId} v${event.version} failed (${(error as Error).message}); retrying`);
        message.working();
        await sleep(Math.min(RETRY_MAX_MS, 100 * 2 ** Math.min(failures, 5)));
      }
    }
  };

  const loop = (async () => {
    for await (const message of messages) {
      let event: PublishedEvent;
      try {
        event = message.json<PublishedEvent>();
      } catch {
        log.error(`[${spec.durable}] message ${message.seq} is not JSON: terminated`);
        message.term();
        continue;
      }
      pool.push(keyOf(event), () => process(message, event));
    }
  })();

  return {
    pool,
    applied: () => applied,
    info: () => consumer.info(),
    async stop() {
      await messages.close().catch(() => {});
      await loop.catch(() => {});
      stopping = true;
      await pool.idle();
    },
  };
}
