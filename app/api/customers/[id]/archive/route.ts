import { archiveCustomer } from "@/lib/commands/customer";
import { archiveCustomerInput } from "@/lib/domain/customer/schema";
import { customerCommandRoute } from "@/lib/http/customer-command";

export const dynamic = "force-dynamic";

/** Archive (every field optional, so an empty body is `{}`): 200 `{ version, position }`. */
export const POST = customerCommandRoute(
  archiveCustomerInput,
  (id, input, ctx) => archiveCustomer(id, { reason: input.reason }, ctx),
  { allowEmptyBody: true },
);
