import { registerCustomer } from "@/lib/commands/customer";
import { registerCustomerInput } from "@/lib/domain/customer/schema";
import { parseWith, readJsonObject } from "@/lib/http/body";
import { commandHeaders, registeredResponse } from "@/lib/http/command";
import { json } from "@/lib/http/errors";
import { parseQuery } from "@/lib/http/query";
import { customerListParams, listCustomers } from "@/lib/queries/customers";
import { getApp } from "@/lib/server/app";
import { guardRoute } from "@/lib/server/route";

export const dynamic = "force-dynamic";

/** The customer list read table: `{ items, nextCursor, prevCursor }` (a foreign cursor: 400). */
export const GET = guardRoute("GET /api/customers", async (request) => {
  const params = parseQuery(request, customerListParams);
  const { database } = await getApp();
  return json(await listCustomers(database.db, params));
});

/** Register a customer: 201 `{ id, streamId, version, position }`. */
export const POST = guardRoute("POST /api/customers", async (request, _context, who) => {
  const body = await readJsonObject(request);
  const headers = commandHeaders(request, body, who, "POST /api/customers");
  const input = parseWith(registerCustomerInput, body);
  const { store } = await getApp();
  const result = await registerCustomer(input, { store, ...headers });
  return registeredResponse(result, input.id);
});
