// `npm run demo:services`: the seed's Order → Payment story across three processes, printing each
// event as it crosses a service boundary (a plain NATS subscription beside the JetStream streams).
// Alice registers, Alice orders, payment captured, order paid, Alice moves, the next order ships
// to Cambridge. Uses a nats-server of its own (on a free port) unless NATS_URL is set; every
// database is a fresh PGlite directory in a temporary folder, removed at the end.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { connectBroker } from "@/lib/broker/connection";
import { freePort, natsServerAvailable, startNatsServer } from "@/lib/broker/local-server";
import { changeCustomerAddress, registerCustomer } from "@/lib/commands/customer";
import { createLedger } from "@/lib/server/ledger";

const say = (text = "") => console.log(text);
const quiet = { log() {}, warn() {}, error: console.error };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ledger-services-demo-"));
const own = process.env.NATS_URL ? null : natsServerAvailable() ? await startNatsServer() : null;
const natsUrl = process.env.NATS_URL ?? own?.url;
if (!natsUrl) {
  console.error("demo:services needs nats-server on the PATH (apt-get install nats-server) or NATS_URL");
  process.exit(2);
}
if (!own) say(`(using the broker at NATS_URL: its LEDGER, ORDERS and PAYMENTS streams gain this demo's events)`);

const ledger = await createLedger({ dataDir: path.join(tmp, "ledger") }, { identity: false, masterKey: randomBytes(32), publisher: { url: natsUrl, inProcess: true } });
const [ordersPort, paymentsPort] = [await freePort(), await freePort()];
const serviceToken = randomBytes(32).toString("base64url"); // both services' APIs ask for it
const children: ChildProcess[] = [];
const spawnService = (name: string, env: Record<string, string>) => {
  const child = spawn(process.execPath, ["--import", "tsx", `services/${name}/main.ts`], {
    env: { ...process.env, NATS_URL: natsUrl, SERVICE_TOKEN: serviceToken, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(child);
};
spawnService("orders", { ORDERS_DATA_DIR: path.join(tmp, "orders"), ORDERS_PORT: String(ordersPort), ORDERS_MASTER_KEY: randomBytes(32).toString("base64") });
spawnService("payments", { PAYMENTS_DATA_DIR: path.join(tmp, "payments"), PAYMENTS_PORT: String(paymentsPort), PAYMENTS_CREDIT_LIMIT: "1000" });

// Who hears what: the subjects between the services.
const route: Record<string, string> = { ledger: "ledger → orders", orders: "orders → payments", payments: "payments → orders" };
const tap = await connectBroker(natsUrl, { name: "demo-tap" });
for (const prefix of Object.keys(route)) {
  const sub = tap.nc.subscribe(`${prefix}.>`);
  void (async () => {
    for await (const message of sub) {
      const body = message.json<{ streamId: string; version: number; data: Record<string, any> }>();
      const city = body.data?.shipTo?.city ?? body.data?.newAddress?.city ?? body.data?.address?.city;
      say(`  ⇢ [${route[prefix]}] ${message.subject}  ${body.streamId} v${body.version}${city ? `  (city: ${city})` : ""}`);
    }
  })();
}

const call = async (port: number, urlPath: string, body?: unknown) => {
  const authorization = `Bearer ${serviceToken}`;
  const init: RequestInit =
    body === undefined
      ? { headers: { authorization } }
      : { method: "POST", headers: { "content-type": "application/json", authorization }, body: JSON.stringify(body) };
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}${urlPath}`, init);
      return { status: response.status, body: (await response.json()) as Record<string, any> };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200)); // the service is still starting
    }
  }
};
const until = async (what: string, check: () => Promise<boolean>) => {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};
const order = async (customerId: string, sku: string) => {
  const placed = await call(ordersPort, "/orders", { customerId, lines: [{ sku, quantity: 1, unitPrice: 25 }] });
  if (placed.status !== 201) throw new Error(`order refused: ${JSON.stringify(placed.body)}`);
  await until("the order to be paid", async () => (await call(ordersPort, `/orders/${placed.body.orderId}`)).body.status === "paid");
  return (await call(ordersPort, `/orders/${placed.body.orderId}`)).body;
};

try {
  const ctx = { store: ledger.store, actor: "system:demo" };
  say("▸ Alice registers in the ledger (Boston)");
  const alice = await registerCustomer({ name: "Alice Johnson", address: { street: "123 Main St", city: "Boston", region: "MA" } }, ctx);
  await until("the orders directory to know Alice", async () => (await call(ordersPort, `/customers/${alice.id}`)).status === 200);
  say("▸ Alice orders (POST /orders on the orders service)");
  const first = await order(alice.id, "tea");
  say(`  order ${first.orderId}: ${first.status}, ships to ${first.placed.shipTo.city}`);
  say("▸ Alice moves to Cambridge (in the ledger)");
  await changeCustomerAddress(alice.id, { address: { street: "456 Oak Ave", city: "Cambridge", region: "MA" } }, ctx);
  await until("the directory to have her new address", async () => (await call(ordersPort, `/customers/${alice.id}`)).body.city === "Cambridge");
  say("▸ Alice orders again");
  const second = await order(alice.id, "cake");
  say(`  order ${second.orderId}: ${second.status}, ships to ${second.placed.shipTo.city}`);
  await new Promise((resolve) => setTimeout(resolve, 300)); // let the tap print the last events
} finally {
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(children.map((child) => (child.exitCode !== null ? null : new Promise((resolve) => child.once("exit", resolve)))));
  await tap.close();
  await ledger.close();
  await own?.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
}
