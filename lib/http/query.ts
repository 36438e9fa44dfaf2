import type { z } from "zod";
import { HttpError, validationFailed } from "./errors";
import { isUnstorableText, parseWith } from "./body";

/**
 * Parse a request's query string with a strict zod object schema. Unknown parameters and
 * parameters given more than once are 400s: a typo (`?ctiy=Oslo`) must not silently return
 * the unfiltered list.
 */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const params = new URL(request.url).searchParams;
  const out: Record<string, string> = {};
  const repeated: Record<string, string[]> = {};
  const unstorable: Record<string, string[]> = {};
  for (const [key, value] of params) {
    if (key in out) repeated[key] = ["Given more than once"];
    if (isUnstorableText(key) || isUnstorableText(value)) unstorable[isUnstorableText(key) ? "_root" : key] = ["Must not contain NUL characters or unpaired surrogates"];
    out[key] = value;
  }
  if (Object.keys(repeated).length) throw new HttpError(validationFailed(repeated));
  if (Object.keys(unstorable).length) throw new HttpError(validationFailed(unstorable));
  return parseWith(schema, out, "Unknown parameter");
}
