import type { z } from "zod";
import { HttpError, validationFailed } from "./errors";
import { parseWith } from "./body";

/**
 * Parse a request's query string with a strict zod object schema. Unknown parameters and
 * parameters given more than once are 400s: a typo (`?ctiy=Oslo`) must not silently return
 * the unfiltered list.
 */
export function parseQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const params = new URL(request.url).searchParams;
  const out: Record<string, string> = {};
  const repeated: Record<string, string[]> = {};
  for (const [key, value] of params) {
    if (key in out) repeated[key] = ["Given more than once"];
    out[key] = value;
  }
  if (Object.keys(repeated).length) throw new HttpError(validationFailed(repeated));
  return parseWith(schema, out, "Unknown parameter");
}
