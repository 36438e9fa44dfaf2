import { headers } from "next/headers";
import Link from "next/link";
import { buttonClass } from "@/components/ui/button";
import { NOT_FOUND_KIND_HEADER } from "@/lib/server/page-status";

/**
 * Any address with nothing at it (404). proxy.ts answers a customer page of no customer by
 * rendering this page too, and says so in a request header, so that the page can name what is
 * missing; otherwise the text assumes nothing about what the link meant.
 */
export default async function NotFound() {
  const customer = (await headers()).get(NOT_FOUND_KIND_HEADER) === "customer";
  const title = customer ? "Customer not found" : "Not found";
  return (
    <div className="mx-auto max-w-lg space-y-4 py-12 text-center">
      <title>{`${title} · Ledger`}</title>
      <h1 className="text-2xl font-semibold">{title}</h1>
      <p className="text-zinc-600 dark:text-zinc-400">
        {customer
          ? "There is no customer with this id. It may be mistyped, or the customer was never registered."
          : "There is nothing at this address. The link may be mistyped, or what it pointed to may never have existed."}
      </p>
      <div className="flex flex-wrap justify-center gap-2">
        {customer ? (
          <Link href="/customers" className={buttonClass("primary")}>
            Back to customers
          </Link>
        ) : null}
        <Link href="/" className={buttonClass(customer ? "secondary" : "primary")}>
          Dashboard
        </Link>
      </div>
    </div>
  );
}
