import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { connection } from "next/server";
import { v7 as uuidv7 } from "uuid";
import { z } from "zod";
import { listSearchString, queryKeys } from "@/components/query-keys";
import { buttonClass } from "@/components/ui/button";
import { Notice } from "@/components/ui/card";
import { firstValues } from "@/lib/queries/params";
import {
  CUSTOMER_PAGE_SIZE,
  customerListParams,
  InvalidListCursorError,
  listCustomers,
  type CustomerListPage,
} from "@/lib/queries/customers";
import { getApp } from "@/lib/server/app";
import { CustomerTable } from "./customer-table";
import { RegisterForm } from "./register-form";

export const metadata = { title: "Customers" };

/** The page reads the API's list parameters; anything else in the URL (e.g. `live`) is ignored here. */
const pageParams = z.object(customerListParams.shape);

export default async function CustomersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const parsed = pageParams.safeParse(firstValues(await searchParams));
  if (!parsed.success) return <BadLink message={parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")} />;
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

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 className="text-2xl font-semibold tracking-tight">Customers</h1>
        <a href="#register" className="text-sm font-medium text-blue-700 hover:underline lg:hidden dark:text-blue-400">
          Register a customer
        </a>
      </div>
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <section aria-label="Customer list" className="min-w-0">
          <HydrationBoundary state={dehydrate(queryClient)}>
            <CustomerTable
              search={search}
              filters={{ city: params.city ?? "", status: params.status, q: params.q ?? "" }}
            />
          </HydrationBoundary>
        </section>
        <aside id="register" aria-labelledby="register-heading" className="scroll-mt-4">
          <RegisterForm commandId={uuidv7()} />
        </aside>
      </div>
    </div>
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
