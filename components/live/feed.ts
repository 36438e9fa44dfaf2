/**
 * What the live feed (`/api/live`) has said so far, for freshness labels: the log's head (each
 * appended position with when this tab heard of it) and each projection's position. One store per
 * tab, fed by every open feed (useLiveInvalidation) and by projection status fetches.
 */
type Head = { position: number; at: number };

interface FeedState {
  /** Appended positions not yet applied by every projection, oldest first (bounded). */
  heads: Head[];
  projections: Record<string, number>;
}

const MAX_HEADS = 200;
let state: FeedState = { heads: [], projections: {} };
const listeners = new Set<() => void>();

function set(next: FeedState) {
  state = next;
  for (const listener of [...listeners]) listener();
}

export function subscribeFeed(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

export const feedSnapshot = (): FeedState => state;

/** `event: events`: the log reached `position`. */
export function noteHead(position: number, at = Date.now()) {
  const last = state.heads[state.heads.length - 1];
  if (last && last.position >= position) return;
  set({ ...state, heads: [...state.heads, { position, at }].slice(-MAX_HEADS) });
}

/** `event: projection`: `name` applied the log up to `position`. */
export function noteProjection(name: string, position: number) {
  if ((state.projections[name] ?? -1) >= position) return;
  const projections = { ...state.projections, [name]: position };
  const lowest = Math.min(...Object.values(projections));
  set({ projections, heads: state.heads.filter((head) => head.position > lowest) });
}

/**
 * A projection status as `/api/projections` reports it. Seeds the store before the feed has said
 * anything; and `lag: 0` settles that the projection has every event up to the head then (its
 * position can be below the head when transactions committed out of position order).
 */
export function noteStatus(status: { name: string; position: number; headPosition: number; lag: number; lagSeconds: number }, at = Date.now()) {
  noteProjection(status.name, status.position);
  if (status.lag > 0 && status.headPosition > status.position && !state.heads.some((head) => head.position > status.position)) {
    noteHead(status.headPosition, at - status.lagSeconds * 1000);
  }
  if (status.lag === 0) noteProjection(status.name, Math.max(status.position, status.headPosition));
}

export type Freshness = { position: number; behindMs: number } | null;

/** How fresh `projection`'s tables are: its position, and how long the oldest event it lacks has waited (0: up to date). */
export function freshnessOf(snapshot: FeedState, projection: string, now = Date.now()): Freshness {
  const position = snapshot.projections[projection];
  if (position === undefined) return null;
  const waiting = snapshot.heads.find((head) => head.position > position);
  return { position, behindMs: waiting ? Math.max(0, now - waiting.at) : 0 };
}

/** "as of position 42, up to date" / "as of position 42, 0.2 s behind". */
export function freshnessText(freshness: NonNullable<Freshness>): string {
  const { position, behindMs } = freshness;
  if (behindMs === 0) return `as of position ${position}, up to date`;
  const seconds = behindMs / 1000;
  return `as of position ${position}, ${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s behind`;
}
