import { archiveCustomer } from "@/lib/commands/customer";
import { archiveCustomerInput } from "@/lib/domain/customer/schema";
import { customerCommand } from "@/lib/http/customer-command";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** Archive (every field optional, so an empty body is `{}`): 200 `{ version, position }`. */
export const POST = guardRoute("POST /api/customers/[id]/archive", customerCommand("POST /api/customers/[id]/archive", 
  archiveCustomerInput,
  (id, input, ctx) => archiveCustomer(id, { reason: input.reason }, ctx),
  { allowEmptyBody: true },
));
