import type { RecordedEvent } from "@/lib/eventstore";

/** What `decide` returns: the events a command produces (none: it changes nothing), or why not. */
export type Decision<Event, Err> = { ok: true; events: Event[] } | { ok: false; error: Err };

/** The pure halves of an aggregate (Emmett's Decider): nothing about storage. */
export interface Decider<Command, State, Event extends { type: string; data: unknown }, Err> {
  decide(command: Command, state: State): Decision<Event, Err>;
  evolve(state: State, event: RecordedEvent): State;
  initialState(): State;
}

/** The facts about a decider's streams that the store side needs, beside the decider. */
export interface StreamFacts<State> {
  /** The `<Type>` of its stream ids. */
  streamType: string;
  /** Shape version for snapshots; bump it when State changes. */
  shapeVersion: number;
  /** The stream's version as the state knows it (0 when it does not exist). */
  versionOf(state: State): number;
  /** `stateUpcasters[n]`: a snapshot state of shape n as shape n+1 (pure), so older snapshots are read. */
  stateUpcasters?: Record<number, (state: unknown) => unknown>;
  /** Personal fields of the state (dot paths): encrypted in snapshots like in events. */
  personal?: readonly string[];
}

/**
 * Decide each command against the state evolved by the previous ones' events, so that a list
 * of commands (an edit: rename, then move) is appended at once or refused as a whole. Pending
 * events are evolved as provisional records numbered on from `version`, the state's version.
 */
export function decideEach<C, S, E extends { type: string; data: unknown }, Err>(
  decider: Decider<C, S, E, Err>,
  streamId: string,
  commands: readonly C[],
  state: S,
  version: number,
): Decision<E, Err> {
  const all: E[] = [];
  let current = state;
  let next = version + 1;
  for (const [index, command] of commands.entries()) {
    const decision = decider.decide(command, current);
    if (!decision.ok || commands.length === 1) return decision;
    all.push(...decision.events);
    if (index === commands.length - 1) break;
    for (const event of decision.events) {
      current = decider.evolve(current, provisional(streamId, next++, event));
    }
  }
  return { ok: true, events: all };
}

/** An event not yet appended, shaped as a record so that `evolve` can fold it. */
export function provisional(
  streamId: string,
  version: number,
  event: { type: string; data: unknown },
  timestamp = new Date(0).toISOString(),
): RecordedEvent {
  return {
    id: "",
    streamId,
    type: event.type,
    version,
    position: 0,
    schemaVersion: 0,
    data: event.data,
    metadata: { commandId: "", correlationId: "", causationId: null, actor: "" },
    timestamp,
    transactionId: "0",
  };
}
