import { sameOrigin } from "./origin";

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
const WITH_BODY = new Set(["POST", "PUT", "PATCH"]);

/**
 * The cross-site rules for a state-changing request that a session cookie authenticates (SPEC §7).
 * A browser attaches cookies to requests other sites start, so such a request must be JSON (a
 * plain form or `text/plain` post needs no preflight) and must come from this origin. A bearer key
 * is never attached by a browser on its own, so key requests skip these checks.
 */
export function crossSiteRefusal(method: string, headers: Headers, viaCookie: boolean): Refusal | null {
  if (!viaCookie || SAFE.has(method.toUpperCase())) return null;
  const fetchSite = headers.get("sec-fetch-site");
  if (fetchSite === "cross-site" || fetchSite === "same-site") {
    return { status: 403, code: "csrf", message: "Refused a cross-site request: changes must come from this app's own pages." };
  }
  const origin = headers.get("origin");
  if (origin !== null && !sameOrigin(origin, headers.get("host"))) {
    return { status: 403, code: "csrf", message: `Refused a request from another origin (${origin.slice(0, 100)}).` };
  }
  // A body-less write (an archive or a rebuild with no options) carries no form data to forge, and
  // the Origin and Sec-Fetch-Site checks above already refused it if another site sent it.
  const empty = headers.get("content-length") === "0" || (headers.get("content-length") === null && headers.get("transfer-encoding") === null);
  if (WITH_BODY.has(method.toUpperCase()) && !empty) {
    const type = (headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
    if (type !== "application/json") {
      return { status: 415, code: "unsupported_media_type", message: "Send the body as JSON (Content-Type: application/json)." };
    }
  }
  return null;
}
