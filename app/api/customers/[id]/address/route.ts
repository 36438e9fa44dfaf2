import { changeCustomerAddress } from "@/lib/commands/customer";
import { changeAddressInput } from "@/lib/domain/customer/schema";
import { customerCommand } from "@/lib/http/customer-command";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** Change the address: 200 `{ version, position }` or `{ unchanged: true, version }`. */
export const POST = guardRoute("POST /api/customers/[id]/address", customerCommand("POST /api/customers/[id]/address", changeAddressInput, (id, input, ctx) =>
  changeCustomerAddress(id, { address: input.address }, ctx),
));
