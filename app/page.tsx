import { connection } from "next/server";
import { getApp } from "@/lib/server/app";

export const metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  await connection();
  const { store, database } = await getApp();
  const recent = await store.readBackwards({ limit: 20 });
  return (
    <section aria-labelledby="recent-heading" className="space-y-4">
      <h1 className="text-2xl font-semibold">Dashboard</h1>
      <p className="text-sm text-zinc-600 dark:text-zinc-400">Database: {database.kind}</p>
      <h2 id="recent-heading" className="text-lg font-medium">
        Recent events
      </h2>
      {recent.length === 0 ? (
        <p>No events yet.</p>
      ) : (
        <ol className="divide-y divide-zinc-200 rounded border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
          {recent.map((event) => (
            <li key={event.id} className="flex flex-wrap gap-x-4 px-3 py-2 text-sm">
              <span className="font-mono text-zinc-500">#{event.position}</span>
              <span className="font-medium">{event.type}</span>
              <span className="font-mono text-xs text-zinc-500">
                {event.streamId} v{event.version}
              </span>
              <time dateTime={event.timestamp} className="text-zinc-500">
                {event.timestamp}
              </time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
