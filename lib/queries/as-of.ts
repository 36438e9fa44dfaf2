import { z } from "zod";
import { optionalParam } from "./params";

/**
 * `asOf`: a moment in the past to read the register at (`/customers?asOf=…`, `GET /api/customers`,
 * `GET /api/stats/cities`, the dashboard), as an ISO 8601 date-time with a zone (`Z` or `+02:00`).
 * Normalised to UTC with milliseconds: the precision of event times (customer-history.ts).
 */
export const isoInstant = (label: string) =>
  z
    .string({ error: `${label} must be an ISO 8601 date-time, e.g. 2025-01-31T14:30:00Z` })
    .trim()
    .max(40, `${label} must be an ISO 8601 date-time, e.g. 2025-01-31T14:30:00Z`)
    .pipe(z.iso.datetime({ offset: true, error: `${label} must be an ISO 8601 date-time with a time zone, e.g. 2025-01-31T14:30:00Z` }))
    .transform((text) => new Date(text))
    .refine((date) => !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1970 && date.getUTCFullYear() <= 9999, {
      error: `${label} must be a date-time between 1970 and 9999`,
    })
    .transform((date) => date.toISOString());

export const asOfParam = optionalParam(isoInstant("asOf"));

export const asOfParams = z.object({ asOf: asOfParam }).strict();
