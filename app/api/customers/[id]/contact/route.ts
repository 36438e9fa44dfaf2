import { changeCustomerContact } from "@/lib/commands/customer";
import { changeContactInput } from "@/lib/domain/customer/schema";
import { customerCommand } from "@/lib/http/customer-command";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** Change email and/or phone (absent: kept; null or "": cleared): 200 `{ version, position }`. */
export const POST = guardRoute(
  "POST /api/customers/[id]/contact",
  customerCommand("POST /api/customers/[id]/contact", changeContactInput, (id, input, ctx) => changeCustomerContact(id, { email: input.email, phone: input.phone }, ctx)),
);
