// `npm run demo`: the seed's story on a fresh in-memory database, as a terminal transcript.
import { sql } from "drizzle-orm";
import { changeCustomerAddress, registerCustomer } from "@/lib/commands/customer";
import type { EventStore } from "@/lib/eventstore";
import { createLedger } from "@/lib/server/ledger";
import { readYourWrites } from "@/lib/projections/read-your-writes";
import { customerList } from "@/db/schema";

const say = (text = "") => console.log(text);
const step = (text: string) => say(`\n▸ ${text}`);

say("Ledger demo: an event-sourced customer register on a fresh embedded database (PGlite, in memory)");
const ledger = await createLedger(
  { dataDir: "memory://" },
  { identity: false, projections: { inProcess: true, runner: { log: { log() {}, warn: console.warn, error: console.error } } } },
);
const { database, store } = ledger;
const projections = ledger.projections!;
const ctx = { store, actor: "system:demo" };

try {
  step('register Alice Johnson at "123 Main St, Boston, MA"');
  const registered = await registerCustomer(
    { name: "Alice Johnson", address: { street: "123 Main St", city: "Boston", region: "MA" } },
    ctx,
  );
  if (!registered.ok) throw new Error(`register failed: ${JSON.stringify(registered.error)}`);
  say(`  → ${registered.streamId} at version ${registered.version}, global position ${registered.position}`);

  step('move her to "456 Oak Ave, Cambridge, MA" (command handler: load, decide, append with expected version)');
  const moved = await changeCustomerAddress(
    registered.id,
    { address: { street: "456 Oak Ave", city: "Cambridge", region: "MA" } },
    { ...ctx, expectedVersion: registered.version },
  );
  if (!moved.ok) throw new Error(`move failed: ${JSON.stringify(moved.error)}`);
  say(`  → version ${moved.version}, global position ${moved.position}`);

  step("wait until the projections have applied that position (read-your-writes)");
  const caughtUp = await readYourWrites(projections, moved, { timeoutMs: 5000 });
  say(`  → ${caughtUp ? "caught up" : "NOT caught up within 5 s"}`);
  for (const s of await projections.status()) say(`    ${s.name.padEnd(16)} ${s.status.padEnd(8)} position ${s.position} of ${s.headPosition}, lag ${s.lag}`);

  step("customers in Cambridge, from the customer_list read table");
  const inCambridge = await database.db
    .select({ name: customerList.name, street: customerList.street, city: customerList.city, region: customerList.region, version: customerList.version })
    .from(customerList)
    .where(sql`${customerList.cityKey} = lower(${"cambridge"})`)
    .orderBy(customerList.name);
  for (const c of inCambridge) say(`  ${c.name} · ${c.street}, ${c.city}${c.region ? `, ${c.region}` : ""} (v${c.version})`);
  if (inCambridge.length === 0) say("  (nobody)");

  step(`Alice's full history (${registered.streamId})`);
  say("  ver  time (UTC)                event");
  for (const event of await store.readStream(registered.streamId)) {
    const data = event.data as Record<string, { street?: string; city?: string } | string>;
    const detail =
      event.type === "CustomerRegistered"
        ? `${data.name} at ${(data.address as { street: string; city: string }).street}, ${(data.address as { city: string }).city}`
        : event.type === "CustomerAddressUpdated"
          ? `${(data.oldAddress as { city: string }).city} → ${(data.newAddress as { street: string; city: string }).street}, ${(data.newAddress as { city: string }).city}`
          : "";
    say(`  ${String(event.version).padEnd(4)} ${event.timestamp.padEnd(25)} ${event.type}${detail ? `  (${detail})` : ""}`);
  }
  say("\nDone. Every change above is an event in the log; the list is a projection of it.");
} finally {
  await ledger.close();
}
