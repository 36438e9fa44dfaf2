import type { CustomerCommandResult } from "@/lib/commands/customer";
import { customerErrorMessages } from "@/lib/domain/customer/errors";
import { customerIdOf } from "@/lib/domain/customer/events";
import { InvalidAppendError, InvalidCursorError } from "@/lib/eventstore";
import { toApiEvent } from "@/lib/queries/events";
import { errorResponse, HttpError, json, validationFailed } from "./errors";

/** Idempotency keys and command ids: what the event store accepts (printable ASCII, no spaces). */
const COMMAND_ID = /^[\x21-\x7e]{1,200}$/;
const ACTOR = /^[\x20-\x7e]{1,100}$/;

export interface CommandHeaders {
  commandId?: string;
  actor: string;
  correlationId?: string;
}

/**
 * The command id of a request: the `Idempotency-Key` header, else `commandId` in the body (the
 * header wins when both are given). Removes `commandId` from `body` so that the command's own
 * strict schema does not see it. Also reads the optional `X-Actor` and `X-Correlation-Id`.
 */
export function commandHeaders(request: Request, body: Record<string, unknown>): CommandHeaders {
  const header = request.headers.get("idempotency-key");
  const fromBody = body.commandId;
  delete body.commandId;
  let commandId: string | undefined;
  if (header !== null) {
    if (!COMMAND_ID.test(header)) {
      throw new HttpError(
        validationFailed({ "Idempotency-Key": ["Idempotency-Key must be 1–200 printable ASCII characters without spaces"] }),
      );
    }
    commandId = header;
  } else if (fromBody !== undefined) {
    if (typeof fromBody !== "string" || !COMMAND_ID.test(fromBody)) {
      throw new HttpError(validationFailed({ commandId: ["commandId must be 1–200 printable ASCII characters without spaces"] }));
    }
    commandId = fromBody;
  }
  const actor = request.headers.get("x-actor");
  if (actor !== null && !ACTOR.test(actor)) {
    throw new HttpError(validationFailed({ "X-Actor": ["X-Actor must be 1–100 printable ASCII characters"] }));
  }
  const correlationId = request.headers.get("x-correlation-id");
  if (correlationId !== null && !COMMAND_ID.test(correlationId)) {
    throw new HttpError(validationFailed({ "X-Correlation-Id": ["X-Correlation-Id must be 1–200 printable ASCII characters"] }));
  }
  return { commandId, actor: actor ?? "api", correlationId: correlationId ?? undefined };
}

/** A failed command result as its HTTP error response. */
export function commandErrorResponse(error: Extract<CustomerCommandResult, { ok: false }>["error"]): Response {
  switch (error.code) {
    case "version_conflict":
      return errorResponse("version_conflict", error.message, {
        expectedVersion: error.expectedVersion,
        actualVersion: error.actualVersion,
        eventsSince: error.eventsSince.map(toApiEvent),
      });
    case "not_found":
    case "already_exists":
    case "customer_archived":
      return errorResponse(error.code, customerErrorMessages[error.code]);
    default: {
      const _exhaustive: never = error;
      return _exhaustive;
    }
  }
}

/**
 * 200 `{ version, position }`, or `{ unchanged: true, version }` when nothing was appended.
 * A replayed command id answers exactly as the first time (handleCommand returns the stored outcome).
 */
export function commandResponse(result: CustomerCommandResult, expectedStreamId: string): Response {
  if (!result.ok) return commandErrorResponse(result.error);
  if (result.streamId !== expectedStreamId) throw new HttpError(keyReused());
  if (result.unchanged) return json({ unchanged: true, version: result.version });
  return json({ version: result.version, position: result.position });
}

/** 201 `{ id, streamId, version, position }` for a registration (also on a replay). */
export function registeredResponse(result: CustomerCommandResult, requestedId: string | undefined): Response {
  if (!result.ok) return commandErrorResponse(result.error);
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
 * Wrap a route handler: HttpError becomes its response, store input errors become 400s, and
 * anything else is a bug: logged and answered with a 500 that leaks no internals.
 */
export function handle<Ctx>(handler: Handler<Ctx>): Handler<Ctx> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      if (error instanceof HttpError) return error.response;
      if (error instanceof InvalidCursorError) {
        return errorResponse("invalid_cursor", error.message, { fieldErrors: { after: [error.message] } });
      }
      if (error instanceof InvalidAppendError) {
        return errorResponse("validation_failed", error.message, { fieldErrors: { _root: [error.message] } });
      }
      console.error(`[api] ${request.method} ${new URL(request.url).pathname} failed`, error);
      return errorResponse("internal_error", "Unexpected server error");
    }
  };
}

