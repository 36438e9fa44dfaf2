import { sql } from "drizzle-orm";
import { z } from "zod";
import { query, type Database, type Db } from "@/db/client";
import { connectBroker, type Broker } from "@/lib/broker/connection";
import { createEventStore, type EventRegistry, type EventStore } from "@/lib/eventstore";
import type { PublishedEvent } from "@/lib/publisher/message";
import { startPublisher, type PublisherRuntime } from "@/lib/publisher/runtime";
import { handle } from "../shared/aggregate";
import { startConsumer, type RunningConsumer } from "../shared/consumer";
import { openServiceDatabase, type ServiceDatabaseSource } from "../shared/database";
import { refuse, startJsonServer, type Route } from "../shared/http";
import { decidePayment, evolvePayment, initialPaymentState, paymentEventSchemas, paymentStreamId } from "./payment";

export interface PaymentsConfig {
  database: ServiceDatabaseSource;
  natsUrl: string;
  port: number;
  /** The token every caller of its HTTP API must present (services/shared/main.ts). */
  token: string;
  /** Each customer's credit limit (see payment.ts for the rule). */
  creditLimit: number;
  workers?: number;
  maxAckPending?: number;
  log?: Pick<Console, "log" | "warn" | "error">;
}

export interface PaymentsService {
  port: number;
  database: Database;
  store: EventStore;
  consumer: Promise<RunningConsumer>;
  publisher: PublisherRuntime;
  stop(): Promise<void>;
}

export const paymentRegistry: EventRegistry = paymentEventSchemas;

/** What the payments service keeps per customer: the total captured so far, against the limit. */
const CREDIT_SCHEMA = [
  `create table if not exists payments_customer_credit (
    customer_id text primary key,
    captured numeric(14, 2) not null default 0,
    updated_at timestamptz not null default now()
  )`,
];

const orderPlaced = z.object({ orderId: z.string(), customerId: z.string(), total: z.number() });
const decider = { initialState: initialPaymentState, evolve: evolvePayment, decide: decidePayment };

async function creditUsed(db: Db, customerId: string): Promise<number> {
  const [row] = await query<{ captured: string | number }>(db, sql`select captured from payments_customer_credit where customer_id = ${customerId}`);
  return Number(row?.captured ?? 0);
}

/** OrderPlaced → PaymentCaptured or PaymentDeclined in `Payment-<orderId>`, and the customer's credit, in one transaction. */
export async function settleOrder(tx: Db, event: PublishedEvent, creditLimit: number, log: Pick<Console, "warn">): Promise<void> {
  if (event.type !== "OrderPlaced") return;
  const data = orderPlaced.safeParse(event.data);
  if (!data.success) return log.warn(`[payments] unreadable OrderPlaced ${event.id}: skipped`);
  const { orderId, customerId, total } = data.data;
  const store = createEventStore(tx, paymentRegistry);
  const command = { type: "SettleOrder" as const, orderId, customerId, amount: total, creditUsed: await creditUsed(tx, customerId), creditLimit };
  const result = await handle(store, decider, paymentStreamId(orderId), command, { actor: "payments", causationId: event.id });
  if (result.ok && result.appended && result.state.status === "captured") {
    await tx.execute(sql`insert into payments_customer_credit (customer_id, captured) values (${customerId}, ${total})
      on conflict (customer_id) do update set captured = payments_customer_credit.captured + excluded.captured, updated_at = now()`);
  }
}

/** The payments service: hears OrderPlaced (one customer at a time, customers in parallel), publishes PAYMENTS. */
export async function startPaymentsService(config: PaymentsConfig): Promise<PaymentsService> {
  const log = config.log ?? console;
  const database = await openServiceDatabase(config.database, "payments", CREDIT_SCHEMA);
  const store = createEventStore(database.db, paymentRegistry);
  const publisher = startPublisher(database, store, {
    url: config.natsUrl,
    inProcess: true,
    eventTypes: Object.keys(paymentRegistry),
    stream: "PAYMENTS",
    prefix: "payments",
    name: "payments_publisher",
    runner: { pollMs: 250, log },
    log,
  });
  const broker: Broker = await connectBroker(config.natsUrl, { name: "payments-service" });
  let stopping = false;
  const consumer = startConsumer(broker, database, {
    stopped: () => stopping,
    stream: "ORDERS",
    filterSubject: "orders.Order.>",
    durable: "payments-orders",
    workers: config.workers ?? 8,
    maxAckPending: config.maxAckPending ?? 256,
    // The credit check reads and moves the customer's total: one order of a customer at a time.
    keyOf: (event) => String((event.data as { customerId?: unknown })?.customerId ?? event.streamId),
    handle: (tx, event) => settleOrder(tx, event, config.creditLimit, log),
    log,
  });
  consumer.catch((error) => log.error(`[payments] consumer failed to start: ${(error as Error).message}`));

  const routes: Route[] = [
    {
      method: "GET",
      path: /^\/payments\/(?<orderId>[^/]+)$/,
      async handle({ params }) {
        const events = await store.readStream(paymentStreamId(params.orderId));
        if (!events.length) return refuse(404, "not_found", "No payment for this order");
        return { status: 200, body: events.reduce(evolvePayment, initialPaymentState()) };
      },
    },
    {
      method: "GET",
      path: /^\/customers\/(?<id>[^/]+)\/credit$/,
      handle: async ({ params }) => ({ status: 200, body: { limit: config.creditLimit, used: await creditUsed(database.db, params.id) } }),
    },
    { method: "GET", path: /^\/health$/, handle: async () => ({ status: 200, body: { ok: true } }) },
  ];
  const server = await startJsonServer(config.port, routes, { token: config.token, log });
  log.log(`[payments] listening on 127.0.0.1:${server.port}, database ${database.describe}`);
  return {
    port: server.port,
    database,
    store,
    consumer,
    publisher,
    async stop() {
      stopping = true;
      await server.close();
      await (await consumer.catch(() => null))?.stop();
      await publisher.stop();
      await broker.close();
      await database.close();
    },
  };
}
