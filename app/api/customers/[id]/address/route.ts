import { changeCustomerAddress } from "@/lib/commands/customer";
import { changeAddressInput } from "@/lib/domain/customer/schema";
import { customerCommandRoute } from "@/lib/http/customer-command";

export const dynamic = "force-dynamic";

/** Change the address: 200 `{ version, position }` or `{ unchanged: true, version }`. */
export const POST = customerCommandRoute(changeAddressInput, (id, input, ctx) =>
  changeCustomerAddress(id, { address: input.address }, ctx),
);
