import { z } from "zod";
import { customerListParams, decodeListCursor } from "@/lib/queries/customers";
import { eventBrowseParams, knownEventTypes } from "@/lib/queries/events";

/*
 * The list pages' URL filters, checked before the page renders. A page streams behind its loading
 * boundary and cannot set its status, so proxy.ts answers a bad filter with 400 and these words
 * (issue 15); the pages use them too. Words for people, never zod's paths. Unknown parameters
 * (`live`, …) are the client's business and pass.
 */

interface PageFilters {
  schema: z.ZodType;
  /** The message for each parameter, by name; a parameter not listed keeps its schema's message. */
  words: Record<string, string>;
}

const PAGES: Record<string, PageFilters> = {
  "/customers": {
    // A cursor is opaque: one the list did not make is as wrong as a bad status.
    schema: z.object(customerListParams.shape).refine((p) => !p.cursor || decodeListCursor(p.cursor) !== null, { path: ["cursor"] }),
    words: {
      status: "Status must be Active, Archived or All",
      city: "City must be at most 500 characters",
      q: "Search needs 2 to 200 characters",
      limit: "Rows per page must be a whole number from 1 to 100",
      cursor: "The page cursor in this link is not one the list made",
    },
  },
  "/events": {
    schema: z.object(eventBrowseParams.shape),
    words: {
      type: `Event type must be one of ${knownEventTypes.join(", ")}`,
      before: "The page position in this link is not valid",
      after: "The page position in this link is not valid",
      limit: "Rows per page must be a whole number from 1 to 200",
      stream: "Stream must be at most 300 characters",
      actor: "Actor must look like user:<id>, key:<id> or system:seed",
    },
  },
};

/** Why a list page's filters are wrong, one sentence per parameter; null when they are fine or the page has none. */
export function pageFilterProblems(pathname: string, params: URLSearchParams): string[] | null {
  const page = PAGES[pathname.replace(/\/+$/, "") || "/"];
  if (!page) return null;
  const first: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in first)) first[key] = value;
  const parsed = page.schema.safeParse(first);
  if (parsed.success) return null;
  const problems = parsed.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? "");
    const text = page.words[key] ?? issue.message;
    return text.charAt(0).toUpperCase() + text.slice(1);
  });
  return [...new Set(problems)];
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small complete page for a 400: what is wrong, and the way back to the unfiltered list. */
export function badFiltersPage(pathname: string, problems: string[]): string {
  const list = problems.map((p) => `<li>${escapeHtml(p)}</li>`).join("");
  const path = escapeHtml(pathname);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Bad filters · Ledger</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5"><main><h1>This link has filters the list does not understand</h1><ul>${list}</ul><p><a href="${path}">Reset filters</a> · <a href="/">Dashboard</a></p></main></body></html>`;
}
