import { z } from "zod";
import type { CustomerCommandResult } from "@/lib/commands/customer";
import type { CommandContext } from "@/lib/commands/handle-command";
import { customerStreamId } from "@/lib/domain/customer/events";
import { getApp } from "@/lib/server/app";
import { parseWith, readJsonObject } from "./body";
import { commandHeaders, commandResponse, handle } from "./command";
import { errorResponse } from "./errors";

type RouteContext = { params: Promise<{ id: string }> };

/**
 * A `POST /api/customers/:id/<command>` route: read the body (64 KiB cap), take the command id,
 * validate with the command's schema, run the handler, map the result. A malformed id cannot
 * name an existing customer, so it is a 404 like an unknown one.
 */
export function customerCommandRoute<S extends z.ZodType<{ expectedVersion?: number }>>(
  schema: S,
  run: (id: string, input: z.output<S>, ctx: CommandContext) => Promise<CustomerCommandResult>,
  options: { allowEmptyBody?: boolean } = {},
) {
  return handle(async (request, { params }: RouteContext) => {
    const { id: rawId } = await params;
    const body = await readJsonObject(request, { allowEmpty: options.allowEmptyBody });
    const headers = commandHeaders(request, body);
    const input = parseWith(schema, body);
    if (!z.uuid().safeParse(rawId).success) {
      return errorResponse("not_found", `No customer with id ${JSON.stringify(rawId)}`);
    }
    const id = rawId.toLowerCase();
    const { store } = await getApp();
    const result = await run(id, input, { store, ...headers, expectedVersion: input.expectedVersion });
    return commandResponse(result, customerStreamId(id));
  });
}
