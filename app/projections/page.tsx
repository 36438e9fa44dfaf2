import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { connection } from "next/server";
import { queryKeys } from "@/components/query-keys";
import { ConsumerTable } from "@/components/projections/consumer-table";
import { brokerConsumers } from "@/lib/queries/broker";
import { parkedEvents, projectionStatus, resolvedParkedEvents } from "@/lib/queries/projections";
import { roleAllows } from "@/lib/auth/roles";
import { getApp } from "@/lib/server/app";
import { currentPrincipal } from "@/lib/server/identity";
import { ProjectionsView } from "./projections-view";

export const metadata = { title: "Projections" };

export default async function ProjectionsPage() {
  await connection();
  const who = await currentPrincipal();
  const queryClient = new QueryClient();
  const app = await getApp();
  const [status, consumers, parked, resolved] = await Promise.all([
    projectionStatus(app),
    brokerConsumers(app),
    parkedEvents(app),
    resolvedParkedEvents(app),
  ]);
  queryClient.setQueryData(queryKeys.projections, status);
  // The dead letters render with the page, not after a client fetch.
  queryClient.setQueryData(queryKeys.parked, parked);
  queryClient.setQueryData(queryKeys.parkedResolved, resolved);
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <div className="space-y-8">
        <ProjectionsView isAdmin={roleAllows(who?.role, "admin")} />
        <ConsumerTable listing={consumers} />
      </div>
    </HydrationBoundary>
  );
}
