import { customerStreamId } from "@/lib/domain/customer/events";
import { isUuid } from "@/lib/domain/customer/ids";
import { badFiltersPage, pageFilterProblems } from "@/lib/http/page-filters";
import { getApp } from "./app";

/** A customer's page or timeline: `/customers/<id>` and `/customers/<id>/timeline`. */
const CUSTOMER_PAGE = /^\/customers\/([^/]+)(?:\/timeline)?\/?$/;

/** Set on the request proxy.ts rewrites to the not-found page: what was not found ("customer"). */
export const NOT_FOUND_KIND_HEADER = "x-ledger-not-found";

export type PageStatus = { status: 404 } | { status: 400; html: string } | null;

/**
 * The status a page request must get before its page renders (proxy.ts). Pages stream behind
 * loading boundaries, so once one renders its status is 200 whatever it finds: a customer page
 * of no customer (an unknown uuid, or not a uuid at all) is answered 404 here, and a list page's
 * bad filters 400, with words. Null: let the page render.
 */
export async function pageStatus(pathname: string, params: URLSearchParams): Promise<PageStatus> {
  const problems = pageFilterProblems(pathname, params);
  if (problems) return { status: 400, html: badFiltersPage(pathname, problems) };
  const customer = CUSTOMER_PAGE.exec(pathname);
  if (customer) {
    const id = safeDecode(customer[1]);
    if (id === null || !isUuid(id)) return { status: 404 };
    const { store } = await getApp();
    if ((await store.streamVersion(customerStreamId(id.toLowerCase()))) === 0) return { status: 404 };
  }
  return null;
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
