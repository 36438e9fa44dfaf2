import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { connection } from "next/server";
import { queryKeys, RECENT_SEARCH } from "@/components/query-keys";
import { browseEvents } from "@/lib/queries/events";
import { projectionStatus } from "@/lib/queries/projections";
import { cityStats } from "@/lib/queries/stats";
import { getApp } from "@/lib/server/app";
import { Dashboard } from "./dashboard";

// The root layout's title template applies to child segments only, so the home page spells it out.
export const metadata = { title: { absolute: "Dashboard · Ledger" } };

export default async function DashboardPage() {
  await connection();
  const app = await getApp();
  const cities = await cityStats(app.database.db);
  const projections = await projectionStatus(app);
  const recent = await browseEvents(app.store, app.database.db, { limit: 10 });
  const queryClient = new QueryClient();
  queryClient.setQueryData(queryKeys.cities, { cities });
  queryClient.setQueryData(queryKeys.projections, projections);
  queryClient.setQueryData(queryKeys.eventBrowse(RECENT_SEARCH), recent);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <Dashboard />
    </HydrationBoundary>
  );
}
