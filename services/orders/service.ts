import { z } from "zod";
import { v7 as uuidv7 } from "uuid";
import type { Database, Db } from "@/db/client";
import { connectBroker, type Broker } from "@/lib/broker/connection";
import { createEventStore, PersonalData, type EventRegistry, type EventStore } from "@/lib/eventstore";
import { startPublisher, type PublisherRuntime } from "@/lib/publisher/runtime";
import { handle } from "../shared/aggregate";
import { startConsumer, type RunningConsumer } from "../shared/consumer";
import { openServiceDatabase, type ServiceDatabaseSource } from "../shared/database";
import { parseInput, refuse, startJsonServer, type Route } from "../shared/http";
import { applyToDirectory, directoryRow, findOrderer } from "./directory";
import { DIRECTORY_SCHEMA } from "./directory";
import { decideOrder, evolveOrder, initialOrderState, orderEventSchemas, orderLineSchema, orderStreamId, type OrderCommand } from "./order";
import { reactToPayment } from "./saga";

export interface OrdersConfig {
  database: ServiceDatabaseSource;
  natsUrl: string;
  /** HTTP port (0: any free one). */
  port: number;
  /** The token every caller of its HTTP API must present (services/shared/main.ts). */
  token: string;
  /** Wraps the keys of the orders' personal data (the copied shipping address). */
  masterKey: Buffer;
  workers?: number;
  maxAckPending?: number;
  log?: Pick<Console, "log" | "warn" | "error">;
}

export interface OrdersService {
  port: number;
  database: Database;
  store: EventStore;
  consumers: Promise<RunningConsumer>[];
  publisher: PublisherRuntime;
  stop(): Promise<void>;
}

export const orderRegistry: EventRegistry = orderEventSchemas;

const placeOrderBody = z
  .object({
    orderId: z.uuid().optional(),
    customerId: z.string().trim().min(1, "customerId is required").max(100),
    lines: z.array(orderLineSchema).min(1, "An order needs at least one line").max(50),
  })
  .strict();

const deciderOf = { initialState: initialOrderState, evolve: evolveOrder, decide: decideOrder };
const STATUS: Record<string, number> = { customer_not_found: 404, not_found: 404 };

/** The orders service: directory consumer, payment saga consumer, publisher of ORDERS, JSON API. */
export async function startOrdersService(config: OrdersConfig): Promise<OrdersService> {
  const log = config.log ?? console;
  const database = await openServiceDatabase(config.database, "orders", DIRECTORY_SCHEMA);
  const personal = new PersonalData({ master: config.masterKey, erased: "[erased]" });
  const storeOn = (db: Db) => createEventStore(db, orderRegistry, { personal });
  const store = storeOn(database.db);
  const publisher = startPublisher(database, store, {
    url: config.natsUrl,
    inProcess: true,
    eventTypes: Object.keys(orderRegistry),
    stream: "ORDERS",
    prefix: "orders",
    name: "orders_publisher",
    runner: { pollMs: 250, log },
    log,
  });
  let broker: Broker | null = null;
  broker = await connectBroker(config.natsUrl, { name: "orders-service" });
  let stopping = false;
  const pool = { workers: config.workers ?? 8, maxAckPending: config.maxAckPending ?? 256, log, stopped: () => stopping };
  const consumers = [
    startConsumer(broker, database, {
      ...pool,
      stream: "LEDGER",
      filterSubject: "ledger.Customer.>",
      durable: "orders-customer-directory",
      handle: (tx, event) => applyToDirectory(tx, event, log),
    }),
    startConsumer(broker, database, {
      ...pool,
      stream: "PAYMENTS",
      filterSubject: "payments.Payment.>",
      durable: "orders-payment-saga",
      keyOf: (event) => String((event.data as { orderId?: unknown })?.orderId ?? event.streamId),
      handle: (tx, event) => reactToPayment(storeOn(tx), event, log),
    }),
  ];
  for (const consumer of consumers) consumer.catch((error) => log.error(`[orders] consumer failed to start: ${(error as Error).message}`));

  const routes: Route[] = [
    {
      method: "POST",
      path: /^\/orders$/,
      async handle({ body }) {
        const input = parseInput(placeOrderBody, body);
        if (!input.ok) return input.reply;
        const orderId = input.value.orderId ?? uuidv7();
        const customer = await findOrderer(database.db, input.value.customerId);
        const command: OrderCommand = { type: "PlaceOrder", orderId, customer, lines: input.value.lines };
        const result = await handle(store, deciderOf, orderStreamId(orderId), command, { actor: "orders-api" });
        if (!result.ok) return refuse(STATUS[result.error.code] ?? 409, result.error.code, `The order was refused: ${result.error.code}`);
        return { status: 201, body: { orderId, status: result.state.status, total: result.state.status === "none" ? 0 : result.state.total } };
      },
    },
    {
      method: "GET",
      path: /^\/orders\/(?<id>[^/]+)$/,
      async handle({ params }) {
        const events = await store.readStream(orderStreamId(params.id));
        if (!events.length) return refuse(404, "not_found", "No such order");
        const placed = events.find((e) => e.type === "OrderPlaced")?.data;
        return { status: 200, body: { ...events.reduce(evolveOrder, initialOrderState()), placed } };
      },
    },
    {
      method: "GET",
      path: /^\/customers\/(?<id>[^/]+)$/,
      async handle({ params }) {
        const row = await directoryRow(database.db, params.id);
        return row ? { status: 200, body: row } : refuse(404, "not_found", "The directory does not know this customer");
      },
    },
    { method: "GET", path: /^\/health$/, handle: async () => ({ status: 200, body: { ok: true } }) },
  ];
  const server = await startJsonServer(config.port, routes, { token: config.token, log });
  log.log(`[orders] listening on 127.0.0.1:${server.port}, database ${database.describe}`);

  return {
    port: server.port,
    database,
    store,
    consumers,
    publisher,
    async stop() {
      stopping = true;
      await server.close();
      for (const consumer of consumers) await (await consumer.catch(() => null))?.stop();
      await publisher.stop();
      await broker?.close();
      await database.close();
    },
  };
}
