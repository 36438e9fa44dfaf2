import {
  archiveCustomer,
  changeCustomerAddress,
  registerCustomer,
  renameCustomer,
} from "@/lib/commands/customer";
import type { Address } from "@/lib/domain/customer/schema";
import { SEED_ACTOR } from "@/lib/auth/roles";
import { headPosition, type EventStore } from "@/lib/eventstore";

/** What happens to a demo customer after it registers, in order. */
type DemoStep = { rename: string } | { move: Address } | { archive: string };

/** The demo customers, registered in this order, each followed by its own later commands. */
const DEMO: { name: string; address: Address; then?: DemoStep[] }[] = [
  {
    name: "Alice Johnson",
    address: { street: "123 Main St", city: "Boston", region: "MA", country: "US" },
    then: [{ move: { street: "456 Oak Ave", city: "Cambridge", region: "MA", country: "US" } }],
  },
  {
    name: "Bob Martin",
    address: { street: "9 Harbour Rd", city: "Bergen", postalCode: "5003", country: "NO" },
    then: [{ rename: "Robert Martin" }, { move: { street: "12 Karl Johans gate", city: "Oslo", postalCode: "0154", country: "NO" } }],
  },
  {
    name: "Carol Danvers",
    address: { street: "77 Elm St", city: "Boston", region: "MA", country: "US" },
    then: [{ archive: "Moved abroad" }],
  },
  { name: "Dag Hammarskjöld", address: { street: "Drottninggatan 5", city: "Stockholm", country: "SE" } },
  { name: "Erin Brockovich", address: { street: "500 Cedar Ln", city: "Cambridge", region: "MA", country: "US" } },
];

/**
 * A small demo, written through the command handlers like any other change. Runs only on an
 * empty log, so a restart never seeds twice. Returns the number of commands it sent (each of
 * them appends one event).
 */
export async function seedDemo(store: EventStore): Promise<number> {
  if ((await headPosition(store.db)) > 0) return 0;
  const ctx = { store, actor: SEED_ACTOR };
  let commands = 0;
  for (const { name, address, then = [] } of DEMO) {
    const { id } = await registerCustomer({ name, address }, ctx);
    commands++;
    for (const step of then) {
      if ("rename" in step) await renameCustomer(id, { name: step.rename }, ctx);
      else if ("move" in step) await changeCustomerAddress(id, { address: step.move }, ctx);
      else await archiveCustomer(id, { reason: step.archive }, ctx);
      commands++;
    }
  }
  return commands;
}
