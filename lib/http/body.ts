import type { z } from "zod";
import type { FieldErrors } from "@/lib/domain/customer/schema";
import { errorResponse, HttpError, validationFailed } from "./errors";

/** Largest request body the API accepts (SPEC §4). */
export const MAX_BODY_BYTES = 64 * 1024;

const tooLarge = (limit: number) =>
  new HttpError(errorResponse("body_too_large", `Request body is larger than ${limit} bytes (${limit / 1024} KiB)`, { limit }));

/**
 * Read a request body as a JSON object, at most `maxBytes`.
 *
 * The limit is checked twice: against Content-Length up front (cheap refusal), and against the
 * bytes actually read, because a chunked body has no Content-Length and a client may lie.
 * Reading stops at the first byte over the limit, so an oversized body never sits in memory.
 * `allowEmpty` turns an empty body into `{}` for commands whose fields are all optional.
 * Throws HttpError (400) for anything that is not a JSON object.
 */
export async function readJsonObject(
  request: Request,
  { maxBytes = MAX_BODY_BYTES, allowEmpty = false }: { maxBytes?: number; allowEmpty?: boolean } = {},
): Promise<Record<string, unknown>> {
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) throw tooLarge(maxBytes);

  const bytes = await readCapped(request, maxBytes);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new HttpError(errorResponse("invalid_json", "Request body is not valid UTF-8"));
  }
  if (text.trim() === "") {
    if (allowEmpty) return {};
    throw new HttpError(errorResponse("invalid_json", "Request body is empty: send a JSON object"));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message}` : "";
    throw new HttpError(errorResponse("invalid_json", `Request body is not valid JSON${detail}`));
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(validationFailed({ _root: ["Body must be a JSON object"] }, "Body must be a JSON object"));
  }
  return value as Record<string, unknown>;
}

async function readCapped(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Parse with a zod schema; a failure becomes a 400 `validation_failed` with dot-path fieldErrors. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, unknownLabel = "Unknown field"): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(validationFailed(issuesToFieldErrors(parsed.error, unknownLabel)));
  return parsed.data;
}

/**
 * Field errors keyed by dot path, every message kept. Unlike the domain's `fieldErrorsOf`, an
 * unknown key is reported under its own path (`address.zip: Unknown field`), so a client sees
 * exactly which key to remove.
 */
export function issuesToFieldErrors(error: z.ZodError, unknownLabel = "Unknown field"): FieldErrors {
  const out: FieldErrors = {};
  const add = (path: PropertyKey[], message: string) => {
    const key = path.length ? path.map(String).join(".") : "_root";
    (out[key] ??= []).push(message);
  };
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) add([...issue.path, key], unknownLabel);
    } else {
      add(issue.path, issue.message);
    }
  }
  return out;
}
