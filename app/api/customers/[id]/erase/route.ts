import { eraseCustomer } from "@/lib/commands/customer";
import { eraseCustomerInput } from "@/lib/domain/customer/schema";
import { customerCommand } from "@/lib/http/customer-command";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/**
 * Erase the customer's personal data (admin; crypto-shredding): 200 `{ version, position }`;
 * 409 customer_erased when already erased, customer_unerasable for legacy plaintext customers.
 */
export const POST = guardRoute(
  "POST /api/customers/[id]/erase",
  customerCommand("POST /api/customers/[id]/erase", eraseCustomerInput, (id, input, ctx) => eraseCustomer(id, { reason: input.reason }, ctx)),
);
