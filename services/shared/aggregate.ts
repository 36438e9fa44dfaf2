import { VersionConflictError, type EventStore, type RecordedEvent } from "@/lib/eventstore";

/** The pure halves of a service aggregate. */
export interface ServiceDecider<Command, State, Event extends { type: string; data: unknown }, Err> {
  initialState(): State;
  evolve(state: State, event: Pick<RecordedEvent, "type" | "data" | "version">): State;
  decide(command: Command, state: State): { ok: true; events: Event[] } | { ok: false; error: Err };
}

export type Handled<State, Err> = { ok: true; state: State; appended: number; position: number | null } | { ok: false; error: Err };

/**
 * Load the stream, decide, append at the version it was loaded at; re-run on a version conflict
 * (a concurrent writer), up to three times. `events: []` appends nothing (already done).
 */
export async function handle<C, S, E extends { type: string; data: unknown }, Err>(
  store: EventStore,
  decider: ServiceDecider<C, S, E, Err>,
  streamId: string,
  command: C,
  meta: { actor: string; causationId?: string | null; correlationId?: string },
): Promise<Handled<S, Err>> {
  for (let attempt = 1; ; attempt++) {
    const events = await store.readStream(streamId);
    const state = events.reduce(decider.evolve, decider.initialState());
    const decision = decider.decide(command, state);
    if (!decision.ok) return decision;
    if (decision.events.length === 0) return { ok: true, state, appended: 0, position: null };
    try {
      const result = await store.append(streamId, decision.events, {
        expectedVersion: events.length === 0 ? "no_stream" : events.length,
        actor: meta.actor,
        causationId: meta.causationId ?? null,
        correlationId: meta.correlationId,
      });
      const next = result.events.reduce(decider.evolve, state);
      return { ok: true, state: next, appended: result.events.length, position: result.lastPosition };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= 3) throw error;
    }
  }
}
