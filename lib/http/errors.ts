import type { FieldErrors } from "@/lib/domain/customer/schema";

/**
 * Every error code the JSON API answers with, and its HTTP status: the one table (STYLE §4).
 * The domain and store codes are the same literals as in lib/domain and lib/commands.
 */
export const HTTP_STATUS = {
  validation_failed: 400,
  invalid_json: 400,
  body_too_large: 400,
  invalid_cursor: 400,
  not_found: 404,
  already_exists: 409,
  customer_archived: 409,
  version_conflict: 409,
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

/** `{ error: { code, message, ...extra } }` with the status from HTTP_STATUS. */
export function errorResponse(code: ApiErrorCode, message: string, extra: Record<string, unknown> = {}): Response {
  const body: ApiErrorBody = { error: { ...extra, code, message } };
  return json(body, HTTP_STATUS[code]);
}

export function validationFailed(fieldErrors: FieldErrors, message?: string): Response {
  const first = Object.entries(fieldErrors)[0];
  return errorResponse("validation_failed", message ?? (first ? `${labelOf(first[0])}: ${first[1][0]}` : "Invalid input"), {
    fieldErrors,
  });
}

const labelOf = (path: string) => (path === "_root" ? "Body" : path);

/** Thrown inside a handler to answer with an error response (caught by `handle`). */
export class HttpError extends Error {
  constructor(readonly response: Response) {
    super(`HTTP ${response.status}`);
    this.name = "HttpError";
  }
}
