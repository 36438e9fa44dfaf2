import { renameCustomer } from "@/lib/commands/customer";
import { renameCustomerInput } from "@/lib/domain/customer/schema";
import { customerCommand } from "@/lib/http/customer-command";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** Rename: 200 `{ version, position }` or `{ unchanged: true, version }`. */
export const POST = guardRoute("POST /api/customers/[id]/rename", customerCommand("POST /api/customers/[id]/rename", renameCustomerInput, (id, input, ctx) => renameCustomer(id, { name: input.name }, ctx)));
