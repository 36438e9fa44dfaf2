import { eventsPerSecond, formatDuration, type RebuildSighting } from "@/lib/projections/rebuild-clock";

/** Progress of a running rebuild: bar, count, events/s and elapsed time (as of the last poll). */
export function RebuildProgress({
  processed,
  total,
  name,
  sighting,
  now,
}: {
  processed: number;
  total: number;
  name: string;
  sighting?: RebuildSighting;
  now: number;
}) {
  const percent = total > 0 ? Math.min(100, Math.round((processed / total) * 100)) : 0;
  const elapsed = sighting ? Math.max(0, now - sighting.startedAt) : null;
  const rate = elapsed === null ? null : eventsPerSecond(processed, elapsed);
  return (
    <div className="mt-1 w-40">
      <progress
        className="h-2 w-full overflow-hidden rounded [&::-webkit-progress-bar]:bg-zinc-200 [&::-webkit-progress-value]:bg-blue-600 dark:[&::-webkit-progress-bar]:bg-zinc-800"
        value={processed}
        max={Math.max(total, 1)}
        aria-label={`Rebuild of ${name}`}
      />
      <span className="block text-xs tabular-nums text-zinc-600 dark:text-zinc-400">
        {processed} / {total} ({percent}%)
      </span>
      {elapsed !== null ? (
        <span className="block text-xs tabular-nums text-zinc-600 dark:text-zinc-400" data-testid="rebuild-rate">
          {rate === null ? "starting" : `${rate.toLocaleString()} events/s`} · {formatDuration(elapsed)}
        </span>
      ) : null}
    </div>
  );
}

/** "rebuilt in 1.0 s at 2:03": stays after the rebuild, so one faster than a poll is not missed. */
export function RebuiltNote({ sighting }: { sighting: RebuildSighting }) {
  if (sighting.finishedAt === undefined) return null;
  const at = new Date(sighting.finishedAt).toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" });
  return (
    <p className="mt-1 text-xs text-green-800 dark:text-green-400" role="status">
      rebuilt in {formatDuration(sighting.finishedAt - sighting.startedAt)} at {at}
    </p>
  );
}
