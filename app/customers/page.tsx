import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { connection } from "next/server";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { listSearchString, queryKeys } from "@/components/query-keys";
import { buttonClass } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { LocalTime } from "@/components/local-time";
import { firstValues } from "@/lib/queries/params";
import { pageFilterProblems } from "@/lib/http/page-filters";
import {
  CUSTOMER_PAGE_SIZE,
  customerListParams,
  InvalidListCursorError,
  listCustomers,
  type CustomerListPage,
} from "@/lib/queries/customers";
import { roleAllows } from "@/lib/auth/roles";
import { getApp } from "@/lib/server/app";
import { currentPrincipal } from "@/lib/server/identity";
import { CustomerTable } from "./customer-table";
import { RegisterForm } from "./register-form";

export const metadata = { title: "Customers" };

/** The page reads the API's list parameters; anything else in the URL (e.g. `live`) is ignored here. */
const pageParams = z.object(customerListParams.shape);

export default async function CustomersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const parsed = pageParams.safeParse(firstValues(await searchParams));
  if (!parsed.success) return <BadLink message={(pageFilterProblems("/customers", new URLSearchParams(firstValues(await searchParams))) ?? []).join(" ")} />;
  const params = parsed.data;
  const { database } = await getApp();
  let page: CustomerListPage;
  try {
    page = await listCustomers(database.db, params);
  } catch (error) {
    if (error instanceof InvalidListCursorError) return <BadLink message="The page cursor in this link is not valid." />;
    throw error;
  }
  const search = listSearchString(params, { limit: CUSTOMER_PAGE_SIZE });
  const queryClient = new QueryClient();
  // Only the page's rows go to the client with the HTML. The city choices (every city, ~200 in
  // the bench) are not rendered here: the table loads them once per tab from /api/stats/cities,
  // which kept them out of every page's HTML and RSC payload (twice over) and its queries.
  queryClient.setQueryData(queryKeys.customerList(search), page);
  // Registering needs the editor role: a viewer gets the list alone (the action refuses anyway).
  const canRegister = !params.asOf && roleAllows((await currentPrincipal())?.role, "editor");
  const nowSearch = listSearchString({ ...params, asOf: undefined, cursor: undefined }, { limit: CUSTOMER_PAGE_SIZE });
  // The whole view (every page) as CSV: filters, search and asOf, not the cursor or page size.
  const exportSearch = listSearchString({ ...params, cursor: undefined, limit: undefined }, { limit: CUSTOMER_PAGE_SIZE });

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold tracking-tight">Customers</h1>
        <a href={`/api/customers/export${exportSearch ? `?${exportSearch}` : ""}`} download className={buttonClass("secondary", "sm")}>
          Export CSV
        </a>
        {canRegister ? (
        <a href="#register" className="text-sm font-medium text-blue-700 hover:underline lg:hidden dark:text-blue-400">
          Register a customer
        </a>
        ) : null}
      </div>
      {params.asOf ? <PastBanner asOf={params.asOf} nowHref={`/customers${nowSearch ? `?${nowSearch}` : ""}`} /> : null}
      <div className={canRegister ? "grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]" : undefined}>
        <section aria-label="Customer list" className="min-w-0">
          <HydrationBoundary state={dehydrate(queryClient)}>
            <CustomerTable
              search={search}
              filters={{ city: params.city ?? "", status: params.status, q: params.q ?? "" }}
              asOf={params.asOf ?? null}
              sort={params.sort}
            />
          </HydrationBoundary>
        </section>
        {canRegister ? (
          <aside id="register" aria-labelledby="register-heading" className="scroll-mt-4">
            <RegisterForm commandId={uuidv7()} />
          </aside>
        ) : null}
      </div>
    </div>
  );
}

/** The list shows the past: say so plainly, with the way back to the present. */
function PastBanner({ asOf, nowHref }: { asOf: string; nowHref: string }) {
  return (
    <Notice tone="warning" role="status">
      <p className="font-medium">
        Viewing the register as of <LocalTime iso={asOf} />.
      </p>
      <p className="mt-1 text-sm">
        Rows, filters, search and cities are as they were then; each row&apos;s version links to its timeline at that version.{" "}
        <Link href={nowHref} className="font-medium underline">
          Back to now
        </Link>{" "}
        ·{" "}
        <Link href={`/?asOf=${encodeURIComponent(asOf)}`} className="font-medium underline">
          Dashboard as of then
        </Link>
      </p>
    </Notice>
  );
}

function BadLink({ message }: { message: string }) {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold tracking-tight">Customers</h1>
      <Notice tone="error" role="alert">
        <p className="font-medium">This link has filters the list does not understand.</p>
        <p className="mt-1">{message}</p>
      </Notice>
      <Link href="/customers" className={buttonClass("secondary")}>
        Reset filters
      </Link>
    </div>
  );
}
