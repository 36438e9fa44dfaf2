import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterEach, beforeEach, it } from "node:test";
import { connectBroker, type Broker } from "@/lib/broker/connection";
import { listConsumers } from "@/lib/broker/consumers";
import { archiveCustomer, changeCustomerAddress, eraseCustomer, registerCustomer } from "@/lib/commands/customer";
import { eventRegistry, ledgerStore } from "@/lib/commands/event-registry";
import type { EventStore } from "@/lib/eventstore";
import { startPublisher, type PublisherRuntime } from "@/lib/publisher/runtime";
import { eventually, readStreamMessages } from "@/lib/testing/broker";
import { natsServerAvailable, startNatsServer, type TestNatsServer } from "@/lib/testing/nats-server";
import { quietLog } from "@/lib/testing/projections";
import { createPostgresTestDatabase, describePostgres, type TestDatabase } from "@/lib/testing/test-db";
import { orderRegistry, startOrdersService, type OrdersService } from "./orders/service";
import { startPaymentsService, type PaymentsService } from "./payments/service";

// End to end on PostgreSQL and a NATS of the test's own: ledger → orders → payments → orders.

/** The services' API token in these tests (every call presents it unless a test says otherwise). */
const TOKEN = randomBytes(24).toString("base64url");
const skip = natsServerAvailable() ? false : "nats-server is not installed (apt-get install nats-server)";

describePostgres("the Order → Payment saga across three services", () => {
  let nats: TestNatsServer;
  let broker: Broker;
  let dbs: TestDatabase[] = [];
  let ledger: EventStore;
  let publisher: PublisherRuntime;
  let orders: OrdersService;
  let payments: PaymentsService;
  const api = async (service: { port: number }, path: string, body?: unknown, token: string | null = TOKEN) => {
    const auth: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token}` };
    const response = await fetch(`http://127.0.0.1:${service.port}${path}`, body === undefined ? { headers: auth } : {
      method: "POST",
      headers: { "content-type": "application/json", ...auth },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  beforeEach(async () => {
    if (skip) return;
    nats = await startNatsServer();
    broker = await connectBroker(nats.url);
    dbs = [await createPostgresTestDatabase(), await createPostgresTestDatabase(), await createPostgresTestDatabase()];
    const [ledgerDb, ordersDb, paymentsDb] = dbs;
    await ordersDb.database.close();
    await paymentsDb.database.close();
    ledger = ledgerStore(ledgerDb.database.db, randomBytes(32));
    publisher = startPublisher(ledgerDb.database, ledger, { url: nats.url, inProcess: true, eventTypes: Object.keys(eventRegistry), runner: { pollMs: 100, log: quietLog }, log: quietLog });
    orders = await startOrdersService({ database: { url: ordersDb.url! }, natsUrl: nats.url, port: 0, token: TOKEN, masterKey: randomBytes(32), log: quietLog });
    payments = await startPaymentsService({ database: { url: paymentsDb.url! }, natsUrl: nats.url, port: 0, token: TOKEN, creditLimit: 100, log: quietLog });
  });
  afterEach(async () => {
    if (skip) return;
    await orders.stop();
    await payments.stop();
    await publisher.stop();
    await broker.close();
    await nats.dispose();
    for (const db of dbs) await db.drop().catch(() => {});
  });

  const ctx = () => ({ store: ledger, actor: "test" });
  const known = (id: string, check: (row: Record<string, any>) => boolean = () => true) =>
    eventually(`directory row of ${id}`, async () => {
      const r = await api(orders, `/customers/${id}`);
      return r.status === 200 && check(r.body);
    });
  const settled = (orderId: string, status: string) =>
    eventually(`order ${orderId} ${status}`, async () => (await api(orders, `/orders/${orderId}`)).body.status === status);

  it("Alice orders and pays; she moves and the next order ships to Cambridge; an order beyond her credit is cancelled; an archived customer cannot order", { skip, timeout: 120_000 }, async () => {
    const alice = await registerCustomer({ name: "Alice", address: { street: "1 Main St", city: "Boston", postalCode: "02101" } }, ctx());
    await known(alice.id);
    const first = await api(orders, "/orders", { customerId: alice.id, lines: [{ sku: "tea", quantity: 2, unitPrice: 15 }] });
    assert.equal(first.status, 201, JSON.stringify(first.body));
    await settled(first.body.orderId, "paid");
    assert.equal((await api(payments, `/payments/${first.body.orderId}`)).body.status, "captured");
    assert.equal((await api(orders, `/orders/${first.body.orderId}`)).body.placed.shipTo.city, "Boston");

    await changeCustomerAddress(alice.id, { address: { street: "5 Elm St", city: "Cambridge", postalCode: "02139" } }, ctx());
    await known(alice.id, (row) => row.city === "Cambridge");
    const second = await api(orders, "/orders", { customerId: alice.id, lines: [{ sku: "cake", quantity: 1, unitPrice: 20 }] });
    assert.equal(second.status, 201);
    await settled(second.body.orderId, "paid");
    const placed = (await api(orders, `/orders/${second.body.orderId}`)).body.placed;
    assert.deepEqual([placed.shipTo.street, placed.shipTo.city], ["5 Elm St", "Cambridge"]);

    // 30 + 20 captured of 100: 60 more is beyond the limit.
    const third = await api(orders, "/orders", { customerId: alice.id, lines: [{ sku: "tv", quantity: 1, unitPrice: 60 }] });
    await settled(third.body.orderId, "cancelled");
    const declined = (await api(payments, `/payments/${third.body.orderId}`)).body;
    assert.deepEqual([declined.status, declined.reason], ["declined", "credit_limit_exceeded"]);
    assert.equal((await api(payments, `/customers/${alice.id}/credit`)).body.used, 50);

    const bob = await registerCustomer({ name: "Bob", address: { street: "2 Side St", city: "Leeds" } }, ctx());
    await archiveCustomer(bob.id, { reason: "left" }, ctx());
    await known(bob.id, (row) => row.status === "archived");
    const refused = await api(orders, "/orders", { customerId: bob.id, lines: [{ sku: "tea", quantity: 1, unitPrice: 1 }] });
    assert.deepEqual([refused.status, refused.body.error.code], [409, "customer_archived"]);

    const invalid = await api(orders, "/orders", { customerId: alice.id, lines: [{ sku: "", quantity: 0, unitPrice: -1 }] });
    assert.equal(invalid.status, 400);
    assert.ok(invalid.body.error.fieldErrors["lines.0.quantity"]);

    // Without the service token, or with another, both APIs answer 401 and nothing is written.
    const ordersSql = postgres(dbs[1].url!, { max: 1, onnotice: () => {} });
    try {
      const count = async () => Number((await ordersSql`select count(*)::int as n from events`)[0].n);
      const before = await count();
      const order = { customerId: alice.id, lines: [{ sku: "book", quantity: 1, unitPrice: 10 }] };
      for (const token of [null, "not-the-token", `${TOKEN}x`]) {
        const refused = await api(orders, "/orders", order, token);
        assert.equal(refused.status, 401, `orders with ${token}`);
        assert.equal(refused.body.error.code, "unauthorized");
        assert.equal((await api(orders, `/customers/${alice.id}`, undefined, token)).status, 401);
        assert.equal((await api(payments, `/customers/${alice.id}/credit`, undefined, token)).status, 401);
        assert.equal((await api(payments, "/health", undefined, token)).status, 401);
      }
      assert.equal(await count(), before, "a refused order wrote events");
    } finally {
      await ordersSql.end();
    }

    // What /projections lists: every durable consumer, from the broker's consumer info.
    const consumers = await listConsumers(broker);
    assert.deepEqual(consumers.map((c) => `${c.stream}/${c.name}`), ["LEDGER/orders-customer-directory", "ORDERS/payments-orders", "PAYMENTS/orders-payment-saga"]);
    for (const c of consumers) assert.ok(c.ackPending <= (c.maxAckPending ?? Infinity));
  });

  it("after an erasure no message carries the customer's personal fields, and the directory forgets them", { skip, timeout: 120_000 }, async () => {
    const eve = await registerCustomer({ name: "Eve Secretname", address: { street: "9 Hidden Lane", city: "Bath", postalCode: "BA1 1AA" } }, ctx());
    await known(eve.id);
    const order = await api(orders, "/orders", { customerId: eve.id, lines: [{ sku: "tea", quantity: 1, unitPrice: 5 }] });
    await settled(order.body.orderId, "paid");
    const marks = new Map<string, number>();
    for (const stream of ["LEDGER", "ORDERS", "PAYMENTS"]) marks.set(stream, (await broker.jsm.streams.info(stream)).state.last_seq);
    // A second order is placed while the orders publisher is down: it is published only after the erasure.
    await orders.publisher.stop();
    const late = await api(orders, "/orders", { customerId: eve.id, lines: [{ sku: "jam", quantity: 1, unitPrice: 5 }] });
    assert.equal(late.status, 201);

    assert.ok((await eraseCustomer(eve.id, { reason: "request" }, ctx())).ok);
    await known(eve.id, (row) => row.status === "erased");
    const row = (await api(orders, `/customers/${eve.id}`)).body;
    assert.deepEqual([row.name, row.street, row.postal_code, row.city], [null, null, null, "Bath"]);
    const refused = await api(orders, "/orders", { customerId: eve.id, lines: [{ sku: "tea", quantity: 1, unitPrice: 1 }] });
    assert.deepEqual([refused.status, refused.body.error.code], [409, "customer_erased"]);
    // The orders service's own copy of her address now reads ERASED, so anything it publishes does too.
    assert.equal((await api(orders, `/orders/${order.body.orderId}`)).body.placed.shipTo.street, "[erased]");

    const restarted = startPublisher(orders.database, orders.store, {
      url: nats.url,
      inProcess: true,
      eventTypes: Object.keys(orderRegistry),
      stream: "ORDERS",
      prefix: "orders",
      name: "orders_publisher",
      runner: { pollMs: 100, log: quietLog },
      log: quietLog,
    });
    await eventually("the late order published and settled", async () => (await api(orders, `/orders/${late.body.orderId}`)).body.status === "paid");
    await restarted.stop();
    await eventually("ledger published", async () => (await publisher.status()).lag === 0);
    for (const stream of ["LEDGER", "ORDERS", "PAYMENTS"]) {
      const later = (await readStreamMessages(broker, stream)).filter((m) => m.seq > marks.get(stream)!);
      const text = JSON.stringify(later);
      for (const secret of ["Secretname", "Hidden Lane", "BA1 1AA"]) assert.ok(!text.includes(secret), `${stream} carries ${secret} after the erasure`);
    }
  });
});
