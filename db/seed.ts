import {
  archiveCustomer,
  changeCustomerAddress,
  registerCustomer,
  renameCustomer,
} from "@/lib/commands/customer";
import type { EventStore } from "@/lib/eventstore";

/**
 * A small demo, written through the command handlers like any other change. Runs only on an
 * empty log, so a restart never seeds twice.
 */
export async function seedDemo(store: EventStore): Promise<number> {
  const head = await store.head();
  if (head.position > 0) return 0;
  const ctx = { store, actor: "seed" };
  const alice = await registerCustomer(
    { name: "Alice Johnson", address: { street: "123 Main St", city: "Boston", region: "MA", country: "US" } },
    ctx,
  );
  await changeCustomerAddress(
    alice.id,
    { address: { street: "456 Oak Ave", city: "Cambridge", region: "MA", country: "US" } },
    ctx,
  );
  const bob = await registerCustomer(
    { name: "Bob Martin", address: { street: "9 Harbour Rd", city: "Bergen", postalCode: "5003", country: "NO" } },
    ctx,
  );
  await renameCustomer(bob.id, { name: "Robert Martin" }, ctx);
  await changeCustomerAddress(
    bob.id,
    { address: { street: "12 Karl Johans gate", city: "Oslo", postalCode: "0154", country: "NO" } },
    ctx,
  );
  const carol = await registerCustomer(
    { name: "Carol Danvers", address: { street: "77 Elm St", city: "Boston", region: "MA", country: "US" } },
    ctx,
  );
  await archiveCustomer(carol.id, { reason: "Moved abroad" }, ctx);
  await registerCustomer(
    { name: "Dag Hammarskjöld", address: { street: "Drottninggatan 5", city: "Stockholm", country: "SE" } },
    ctx,
  );
  await registerCustomer(
    { name: "Erin Brockovich", address: { street: "500 Cedar Ln", city: "Cambridge", region: "MA", country: "US" } },
    ctx,
  );
  return 9;
}
