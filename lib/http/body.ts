import type { z } from "zod";
import type { FieldErrors } from "@/lib/domain/customer/schema";
import { apiError, HttpError, validationFailed } from "./errors";

/** Largest request body the API accepts (SPEC §4). */
export const MAX_BODY_BYTES = 64 * 1024;

const tooLarge = (limit: number) =>
  new HttpError(apiError("body_too_large", `Request body is larger than ${limit} bytes (${limit / 1024} KiB)`, { limit }));

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
    throw new HttpError(apiError("invalid_json", "Request body is not valid UTF-8"));
  }
  if (text.trim() === "") {
    if (allowEmpty) return {};
    throw new HttpError(apiError("invalid_json", "Request body is empty: send a JSON object"));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message}` : "";
    throw new HttpError(apiError("invalid_json", `Request body is not valid JSON${detail}`));
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(validationFailed({ _root: ["Body must be a JSON object"] }, "Body must be a JSON object"));
  }
  const unsafe = unsafeJson(value);
  if (unsafe) throw new HttpError(validationFailed({ [unsafe.path || "_root"]: [unsafe.message] }, unsafe.message));
  return value as Record<string, unknown>;
}

/** How deep a body may nest: commands are two levels deep; anything far deeper is hostile. */
export const MAX_JSON_DEPTH = 16;

/** A NUL, or half of a UTF-16 surrogate pair: PostgreSQL refuses both in text and jsonb. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text PostgreSQL cannot store (a NUL, a lone surrogate), for query parameters too. */
export const isUnstorableText = (text: string) => UNSTORABLE.test(text);

/**
 * The first thing in a parsed body that would reach the database as an error instead of a
 * clear 400: nesting deeper than MAX_JSON_DEPTH, or a string (or key) PostgreSQL cannot store.
 */
export function unsafeJson(value: unknown, path = "", depth = 0): { path: string; message: string } | null {
  if (typeof value === "string") {
    return UNSTORABLE.test(value) ? { path, message: "Text must not contain NUL characters or unpaired surrogates" } : null;
  }
  if (typeof value !== "object" || value === null) return null;
  if (depth >= MAX_JSON_DEPTH) return { path, message: `JSON is nested deeper than ${MAX_JSON_DEPTH} levels` };
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (UNSTORABLE.test(key)) return { path, message: "Field names must not contain NUL characters or unpaired surrogates" };
    const found = unsafeJson(child, at, depth + 1);
    if (found) return found;
  }
  return null;
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
