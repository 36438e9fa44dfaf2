import { createHash } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import type { Principal } from "@/lib/auth/roles";
import type { CustomerCommandResult } from "@/lib/commands/customer";
import { customerIdOf } from "@/lib/domain/customer/ids";
import { COMMAND_ID } from "@/lib/eventstore/ids";
import { apiErrorFor, errorResponse, HttpError, json, validationFailed } from "./errors";

/** What the server sets on a command from the request and the caller: never chosen by the client. */
export interface CommandHeaders {
  commandId?: string;
  actor: string;
  correlationId: string;
  causationId?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An idempotency key, scoped to who sent it and to which endpoint: the same key from another
 * caller, or for another command, is another command. Otherwise a key reused elsewhere (or
 * guessed) would answer with someone else's outcome.
 */
export const scopedCommandId = (actor: string, endpoint: string, key: string) =>
  "cmd:" + createHash("sha256").update(`${actor}\n${endpoint}\n${key}`).digest("base64url");

/**
 * The command fields of a request (SPEC §7):
 * - `commandId`: the `Idempotency-Key` header, else `commandId` in the body (the header wins),
 *   scoped to the caller and the endpoint; removed from `body` so the command's strict schema
 *   does not see it;
 * - `actor`: the signed-in user or API key (`X-Actor` is ignored: a client cannot choose it);
 * - `correlationId`: `X-Request-Id` (or `X-Correlation-Id`) when given, else a new id;
 * - `causationId`: `X-Causation-Id`, the id of the event that caused this command, when given.
 */
export function commandHeaders(request: Request, body: Record<string, unknown>, who: Principal, endpoint: string): CommandHeaders {
  const header = request.headers.get("idempotency-key");
  const fromBody = body.commandId;
  delete body.commandId;
  let key: string | undefined;
  if (header !== null) {
    if (!COMMAND_ID.test(header)) {
      throw new HttpError(
        validationFailed({ "Idempotency-Key": ["Idempotency-Key must be 1–200 printable ASCII characters without spaces"] }),
      );
    }
    key = header;
  } else if (fromBody !== undefined) {
    if (typeof fromBody !== "string" || !COMMAND_ID.test(fromBody)) {
      throw new HttpError(validationFailed({ commandId: ["commandId must be 1–200 printable ASCII characters without spaces"] }));
    }
    key = fromBody;
  }
  const requestId = request.headers.get("x-request-id") ?? request.headers.get("x-correlation-id");
  if (requestId !== null && !COMMAND_ID.test(requestId)) {
    throw new HttpError(validationFailed({ "X-Request-Id": ["X-Request-Id must be 1–200 printable ASCII characters without spaces"] }));
  }
  const causationId = request.headers.get("x-causation-id");
  if (causationId !== null && !UUID.test(causationId)) {
    throw new HttpError(validationFailed({ "X-Causation-Id": ["X-Causation-Id must be the id (a uuid) of the event that caused this command"] }));
  }
  return {
    commandId: key === undefined ? undefined : scopedCommandId(who.actor, endpoint, key),
    actor: who.actor,
    correlationId: requestId ?? uuidv7(),
    causationId: causationId?.toLowerCase(),
  };
}

/**
 * 200 `{ version, position }`, or `{ unchanged: true, version }` when nothing was appended.
 * A replayed command id answers exactly as the first time (handleCommand returns the stored outcome).
 */
export function commandResponse(result: CustomerCommandResult, expectedStreamId: string): Response {
  if (!result.ok) return errorResponse(result.error);
  if (result.streamId !== expectedStreamId) throw new HttpError(keyReused());
  if (result.unchanged) return json({ unchanged: true, version: result.version });
  return json({ version: result.version, position: result.position });
}

/** 201 `{ id, streamId, version, position }` for a registration (also on a replay). */
export function registeredResponse(result: CustomerCommandResult, requestedId: string | undefined): Response {
  if (!result.ok) return errorResponse(result.error);
  const id = customerIdOf(result.streamId);
  if (!id || (requestedId !== undefined && id !== requestedId)) throw new HttpError(keyReused());
  return json({ id, streamId: result.streamId, version: result.version, position: result.position }, 201, {
    location: `/api/customers/${id}`,
  });
}

/** The key named another stream's command: answering with that outcome would mislead the client. */
const keyReused = () =>
  validationFailed(
    { "Idempotency-Key": ["This key was already used for a command on another customer"] },
    "Idempotency-Key was already used for a command on another customer",
  );

type Handler<Ctx> = (request: Request, context: Ctx) => Promise<Response>;

/**
 * Wrap a route handler: HttpError becomes its response, the application's known errors their
 * API error (errorResponse), and anything else is a bug: logged and answered with a 500 that
 * leaks no internals.
 */
export function handle<Ctx>(handler: Handler<Ctx>): Handler<Ctx> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      if (!(error instanceof HttpError) && !apiErrorFor(error)) {
        console.error(`[api] ${request.method} ${new URL(request.url).pathname} failed`, error);
      }
      return errorResponse(error);
    }
  };
}
