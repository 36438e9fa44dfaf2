import { registerCustomer } from "@/lib/commands/customer";
import { registerCustomerInput } from "@/lib/domain/customer/schema";
import { parseWith, readJsonObject } from "@/lib/http/body";
import { commandHeaders, handle, registeredResponse } from "@/lib/http/command";
import { HttpError, json, validationFailed } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { customerListParams, InvalidListCursorError, listCustomers } from "@/lib/queries/customers";
import { getApp } from "@/lib/server/app";

export const dynamic = "force-dynamic";

/** The customer list read table: `{ items, nextCursor, prevCursor }`. */
export const GET = handle(async (request) => {
  const params = parseQuery(request, customerListParams);
  const { database } = await getApp();
  try {
    return json(await listCustomers(database.db, params));
  } catch (error) {
    if (error instanceof InvalidListCursorError) throw new HttpError(validationFailed({ cursor: [error.message] }));
    throw error;
  }
});

/** Register a customer: 201 `{ id, streamId, version, position }`. */
export const POST = handle(async (request) => {
  const body = await readJsonObject(request);
  const headers = commandHeaders(request, body);
  const input = parseWith(registerCustomerInput, body);
  const { store } = await getApp();
  const result = await registerCustomer(input, { store, ...headers });
  return registeredResponse(result, input.id);
});
