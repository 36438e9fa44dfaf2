import { renameCustomer } from "@/lib/commands/customer";
import { renameCustomerInput } from "@/lib/domain/customer/schema";
import { customerCommandRoute } from "@/lib/http/customer-command";

export const dynamic = "force-dynamic";

/** Rename: 200 `{ version, position }` or `{ unchanged: true, version }`. */
export const POST = customerCommandRoute(renameCustomerInput, (id, input, ctx) => renameCustomer(id, { name: input.name }, ctx));
