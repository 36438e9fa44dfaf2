import { dehydrate, HydrationBoundary, QueryClient } from "@tanstack/react-query";
import { connection } from "next/server";
import { queryKeys } from "@/components/query-keys";
import { projectionStatus } from "@/lib/queries/projections";
import { getApp } from "@/lib/server/app";
import { ProjectionsView } from "./projections-view";

export const metadata = { title: "Projections" };

export default async function ProjectionsPage() {
  await connection();
  const queryClient = new QueryClient();
  queryClient.setQueryData(queryKeys.projections, await projectionStatus(await getApp()));
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ProjectionsView />
    </HydrationBoundary>
  );
}
