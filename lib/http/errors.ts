import { isLedgerError } from "@/lib/errors";
import { OverloadedError } from "@/lib/commands/admission";
import type { CommandError } from "@/lib/commands/handle-command";
import { customerErrorMessages, type CustomerError } from "@/lib/domain/customer/errors";
import type { FieldErrors } from "@/lib/domain/customer/schema";
import { InvalidAppendError, InvalidCursorError } from "@/lib/eventstore";
import { ProjectionNotFoundError } from "@/lib/projections/errors";
import { toApiEvent } from "@/lib/queries/events";
import { InvalidListCursorError } from "@/lib/queries/customers";
import { StreamNotFoundError, VersionOutOfRangeError } from "@/lib/timeline/errors";

/**
 * Every error code the JSON API answers with, and its HTTP status: the one table (STYLE §4).
 * The domain and store codes are the same literals as in lib/domain and lib/commands.
 */
export const HTTP_STATUS = {
  validation_failed: 400,
  invalid_json: 400,
  body_too_large: 400,
  invalid_cursor: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf: 403,
  not_found: 404,
  already_exists: 409,
  customer_archived: 409,
  customer_erased: 409,
  customer_unerasable: 409,
  version_conflict: 409,
  unsupported_media_type: 415,
  host_not_allowed: 421,
  rate_limited: 429,
  overloaded: 503,
  internal_error: 500,
} as const satisfies Record<string, number>;

export type ApiErrorCode = keyof typeof HTTP_STATUS;

export interface ApiErrorBody {
  error: {
    code: ApiErrorCode;
    message: string;
    fieldErrors?: FieldErrors;
    [extra: string]: unknown;
  };
}

/** Headers every API response carries: JSON, never cached (the data changes with each event). */
const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** An error as the API states it: the status and the `{ error: { code, message, ... } }` body. */
export interface ApiError {
  status: number;
  body: ApiErrorBody;
}

const apiErrorOf = (code: ApiErrorCode, message: string, extra: Record<string, unknown> = {}): ApiError => ({
  status: HTTP_STATUS[code],
  body: { error: { ...extra, code, message } },
});

const validationErrorOf = (fieldErrors: FieldErrors, message?: string): ApiError => {
  const first = Object.entries(fieldErrors)[0];
  return apiErrorOf("validation_failed", message ?? (first ? `${labelOf(first[0])}: ${first[1][0]}` : "Invalid input"), {
    fieldErrors,
  });
};

const labelOf = (path: string) => (path === "_root" ? "Body" : path);

const respond = ({ status, body }: ApiError) => json(body, status);

/** `{ error: { code, message, ...extra } }` with the status from HTTP_STATUS. */
export const apiError = (code: ApiErrorCode, message: string, extra: Record<string, unknown> = {}): Response =>
  respond(apiErrorOf(code, message, extra));

/** 400 `validation_failed` with the field errors; the message names the first one. */
export const validationFailed = (fieldErrors: FieldErrors, message?: string): Response =>
  respond(validationErrorOf(fieldErrors, message));

/** Thrown inside a handler to answer with an error response (caught by `handle`). */
export class HttpError extends Error {
  constructor(readonly response: Response) {
    super(`HTTP ${response.status}`);
    this.name = "HttpError";
  }
}

/**
 * The one mapping from what the application throws or refuses to the API's error: thrown
 * LedgerErrors and a command's refusal (a CommandError value). Null for anything else, which is a
 * bug (answered 500 by `errorResponse`). Pages use it too, through `statusOf`.
 */
export function apiErrorFor(error: unknown): ApiError | null {
  if (error instanceof InvalidCursorError) return apiErrorOf("invalid_cursor", error.message, { fieldErrors: { after: [error.message] } });
  if (error instanceof InvalidAppendError) {
    return apiErrorOf("validation_failed", error.message, { fieldErrors: { _root: [error.message] } });
  }
  if (error instanceof InvalidListCursorError) return validationErrorOf({ cursor: [error.message] });
  if (error instanceof StreamNotFoundError || error instanceof ProjectionNotFoundError) return apiErrorOf("not_found", error.message);
  if (error instanceof VersionOutOfRangeError) {
    return apiErrorOf("validation_failed", error.message, {
      fieldErrors: { version: [`Version must be between 1 and ${error.currentVersion}`] },
      version: error.version,
      currentVersion: error.currentVersion,
    });
  }
  if (isCommandError(error)) return commandApiError(error);
  // Any other LedgerError whose code the API knows (forbidden, already_exists, …).
  if (isLedgerError(error) && error.code in HTTP_STATUS) return apiErrorOf(error.code as ApiErrorCode, error.message);
  return null;
}

/** The response for an error or a command's refusal; anything unknown is a 500 that leaks nothing. */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) return error.response;
  if (error instanceof OverloadedError) {
    const { status, body } = apiErrorOf("overloaded", error.message);
    return json(body, status, { "retry-after": String(error.retryAfterSeconds) });
  }
  return respond(apiErrorFor(error) ?? apiErrorOf("internal_error", "Unexpected server error"));
}

/** The HTTP status an error answers with (500 for anything unknown): for pages. */
export function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.response.status;
  return apiErrorFor(error)?.status ?? HTTP_STATUS.internal_error;
}

type CustomerCommandError = CommandError<CustomerError>;

function isCommandError(value: unknown): value is CustomerCommandError {
  if (value instanceof Error || typeof value !== "object" || value === null) return false;
  const code = (value as { code?: unknown }).code;
  return code === "version_conflict" || (typeof code === "string" && code in customerErrorMessages);
}

function commandApiError(error: CustomerCommandError): ApiError {
  switch (error.code) {
    case "version_conflict":
      return apiErrorOf("version_conflict", error.message, {
        expectedVersion: error.expectedVersion,
        actualVersion: error.actualVersion,
        eventsSince: error.eventsSince.map(toApiEvent),
      });
    case "not_found":
    case "already_exists":
    case "customer_archived":
    case "customer_erased":
    case "customer_unerasable":
      return apiErrorOf(error.code, customerErrorMessages[error.code]);
    default: {
      const _exhaustive: never = error;
      return _exhaustive;
    }
  }
}
