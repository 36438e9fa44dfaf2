import { z } from "zod";
import type { Principal } from "@/lib/auth/roles";
import type { CustomerCommandResult } from "@/lib/commands/customer";
import type { CommandContext } from "@/lib/commands/handle-command";
import { customerStreamId, isUuid } from "@/lib/domain/customer/ids";
import { getApp } from "@/lib/server/app";
import { parseWith, readJsonObject } from "./body";
import { commandHeaders, commandResponse } from "./command";
import { apiError } from "./errors";

type RouteContext = { params: Promise<{ id: string }> };

/**
 * The handler of a `POST /api/customers/:id/<command>` route (wrapped by guardRoute): read the body (64 KiB cap), take the command id,
 * validate with the command's schema, run the handler, map the result. A malformed id cannot
 * name an existing customer, so it is a 404 like an unknown one.
 */
export function customerCommand<S extends z.ZodType<{ expectedVersion?: number }>>(
  endpoint: string,
  schema: S,
  run: (id: string, input: z.output<S>, ctx: CommandContext) => Promise<CustomerCommandResult>,
  options: { allowEmptyBody?: boolean } = {},
) {
  return async (request: Request, { params }: RouteContext, who: Principal): Promise<Response> => {
    const { id: rawId } = await params;
    const body = await readJsonObject(request, { allowEmpty: options.allowEmptyBody });
    const headers = commandHeaders(request, body, who, endpoint);
    const input = parseWith(schema, body);
    if (!isUuid(rawId)) {
      return apiError("not_found", `No customer with id ${JSON.stringify(rawId)}`);
    }
    const id = rawId.toLowerCase();
    const { store } = await getApp();
    const result = await run(id, input, { store, ...headers, expectedVersion: input.expectedVersion });
    return commandResponse(result, customerStreamId(id));
  };
}
