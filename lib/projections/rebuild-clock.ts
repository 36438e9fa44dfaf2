/**
 * What a status page can say about a rebuild from the status it polls (no extra storage): the
 * page notes when it saw each rebuild start and when it saw it end, so a rebuild that finished
 * between two polls still reads "rebuilt in 0.4 s at 14:03" instead of passing unseen.
 */
export interface RebuildSighting {
  /** Epoch ms: when the rebuild was asked for here, else its recorded start, else first seen. */
  startedAt: number;
  /** Epoch ms when a poll first showed it no longer rebuilding; absent while it runs. */
  finishedAt?: number;
}

export type RebuildSightings = Readonly<Record<string, RebuildSighting>>;

interface Seen {
  name: string;
  status: string;
  rebuild?: { startedAt: string | null };
}

/** A rebuild was asked for at `now` (its 202 means the shadow tables exist already). */
export function rebuildRequested(sightings: RebuildSightings, name: string, now: number): RebuildSightings {
  return { ...sightings, [name]: { startedAt: now } };
}

/**
 * Fold one poll (taken at `now`) into the sightings: a projection rebuilding is open (keeping the
 * earliest start known); an open one no longer rebuilding is finished at `now`. A failed rebuild
 * is not "rebuilt": its sighting is dropped and the status shows the error.
 */
export function trackRebuilds(sightings: RebuildSightings, statuses: readonly Seen[], now: number): RebuildSightings {
  const next: Record<string, RebuildSighting> = { ...sightings };
  for (const s of statuses) {
    const known = sightings[s.name];
    if (s.status === "rebuilding") {
      const recorded = s.rebuild?.startedAt ? Date.parse(s.rebuild.startedAt) : NaN;
      const open = known && known.finishedAt === undefined ? known.startedAt : undefined;
      next[s.name] = { startedAt: open ?? (Number.isNaN(recorded) ? now : Math.min(recorded, now)) };
    } else if (known && known.finishedAt === undefined) {
      if (s.status === "failed" || s.status === "stopped") delete next[s.name];
      else next[s.name] = { startedAt: known.startedAt, finishedAt: Math.max(now, known.startedAt) };
    }
  }
  return next;
}

/** "0.4 s", "12.0 s", "2 min 5 s": tenths below a minute, so a fast rebuild still has a size. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

/** Events per second over the elapsed time, rounded; null until a tenth of a second has passed. */
export function eventsPerSecond(processed: number, elapsedMs: number): number | null {
  if (elapsedMs < 100) return null;
  return Math.round((processed * 1000) / elapsedMs);
}
