import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { connection } from "next/server";
import { queryKeys, RECENT_SEARCH } from "@/components/query-keys";
import { browseEvents } from "@/lib/queries/events";
import { projectionStatus } from "@/lib/queries/projections";
import { asOfParams } from "@/lib/queries/as-of";
import { firstValues } from "@/lib/queries/params";
import { cityStats, totals } from "@/lib/queries/stats";
import { activityByDay } from "@/lib/queries/activity";
import { ActivityChart } from "@/components/dashboard/activity-chart";
import { getApp } from "@/lib/server/app";
import { Dashboard } from "./dashboard";

// The root layout's title template applies to child segments only, so the home page spells it out.
export const metadata = { title: { absolute: "Dashboard · Ledger" } };

export default async function DashboardPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  // `?asOf=`: the totals as they were then (a bad value is said so, and the present is shown).
  const parsed = asOfParams.safeParse({ asOf: firstValues(await searchParams).asOf });
  const asOf = parsed.success ? (parsed.data.asOf ?? null) : null;
  const app = await getApp();
  const [cities, projections, recent, past, activity] = await Promise.all([
    cityStats(app.database.db, asOf ?? undefined),
    projectionStatus(app),
    browseEvents(app.store, app.database.db, { limit: 10 }),
    asOf ? totals(app.database.db, asOf) : null,
    activityByDay(app.database.db),
  ]);
  const queryClient = new QueryClient();
  queryClient.setQueryData(queryKeys.citiesAsOf(asOf), { cities });
  queryClient.setQueryData(queryKeys.projections, projections);
  queryClient.setQueryData(queryKeys.eventBrowse(RECENT_SEARCH), recent);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <Dashboard
        asOf={asOf}
        pastHead={past ? past.headPosition : null}
        activity={<ActivityChart activity={activity} />}
        badAsOf={parsed.success ? null : parsed.error.issues.map((i) => i.message).join("; ")}
      />
    </HydrationBoundary>
  );
}
