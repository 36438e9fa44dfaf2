import { VersionConflictError, type AppendResult } from "@/lib/eventstore";
import { metrics } from "@/lib/observability/metrics";
import { withSpan, withSpanSync } from "@/lib/observability/tracing";
import { admission, OverloadedError } from "./admission";
import { conflictDetails } from "./conflict";
import { decideEach, type Decider, type Decision, type StreamFacts } from "./decider";
import { recordUnchanged, replayOf } from "./idempotency";
import { cachedState, loadForCommand, rememberState, type Loaded } from "./load";
import type { CommandContext, CommandResult, CommandSuccess } from "./result";
import { retry } from "./retry";
import { maybeSnapshot, snapshotEvery } from "./snapshot-policy";

export type { Decider, Decision, StreamFacts } from "./decider";
export type { CommandContext, CommandError, CommandResult, CommandSuccess, VersionConflict } from "./result";
export { loadState } from "./load";
export { snapshotEvery } from "./snapshot-policy";

/** Re-runs after a conflict on fresh state, when the caller gave no expected version. */
const MAX_RETRIES = 5;

/** One command handling in progress: what it works on, and what its tries so far learned. */
interface Handling<C, S, E extends { type: string; data: unknown }, Err> {
  decider: Decider<C, S, E, Err>;
  facts: StreamFacts<S>;
  streamId: string;
  commands: readonly C[];
  ctx: CommandContext;
  /** The next try may decide on the cached state (only the first may). */
  tryCache: boolean;
  /** The last try decided on the cached state: its conflict costs no retry. */
  usedCache: boolean;
  /** Tries on freshly loaded state so far. */
  freshTries: number;
  /** The state the last try decided on. */
  loaded?: Loaded<S>;
}

/**
 * Load → decide → append, the one path by which commands change anything. A list of commands
 * is decided in order, each against the state the previous ones' events made, and appended once
 * (Emmett's handleCommand).
 *
 * Domain rejections come back as values. A version conflict is returned when the caller gave an
 * expected version; otherwise the commands are re-run on the fresh state up to MAX_RETRIES times
 * (decide is pure, so a re-run is exact). Past the process's bound on commands in flight
 * (admission.ts) it throws OverloadedError at once. Anything else thrown is a bug and propagates.
 */
export async function handleCommand<C, S, E extends { type: string; data: unknown }, Err>(
  decider: Decider<C, S, E, Err>,
  facts: StreamFacts<S>,
  streamId: string,
  command: C | readonly C[],
  ctx: CommandContext,
): Promise<CommandResult<Err>> {
  const first = (Array.isArray(command) ? command[0] : command) as { type?: unknown } | undefined;
  const name = typeof first?.type === "string" ? first.type : "unknown";
  let outcome = "error";
  const m = metrics();
  // The trace's root on the write side (a child of the request's span when there is one).
  return withSpan(`command ${name}`, { "ledger.command": name, "ledger.stream": streamId }, async (span) => {
    try {
      const result = await admission().run(() => handleCommandOnce(decider, facts, streamId, command, ctx));
      outcome = !result.ok ? (result.error as { code?: string }).code === "version_conflict" ? "conflict" : "rejected"
        : result.duplicate ? "duplicate" : result.unchanged ? "unchanged" : "appended";
      if (result.ok) span.setAttributes({ "ledger.version": result.version, ...(result.position ? { "ledger.position": result.position } : {}) });
      return result;
    } catch (error) {
      if (error instanceof OverloadedError) {
        outcome = "overloaded";
        m.commandsRefused.inc();
      }
      throw error;
    } finally {
      m.commands.inc({ command: name, outcome });
      span.setAttribute("ledger.outcome", outcome);
    }
  });
}

/** handleCommand without its metrics: the numbered steps. */
async function handleCommandOnce<C, S, E extends { type: string; data: unknown }, Err>(
  decider: Decider<C, S, E, Err>,
  facts: StreamFacts<S>,
  streamId: string,
  command: C | readonly C[],
  ctx: CommandContext,
): Promise<CommandResult<Err>> {
  const commands = (Array.isArray(command) ? command : [command]) as readonly C[];
  const handling: Handling<C, S, E, Err> = { decider, facts, streamId, commands, ctx, tryCache: true, usedCache: false, freshTries: 0 };
  // 1. idempotency: a command id seen before answers with its first outcome.
  const replay = await replayOf(ctx.store, ctx.commandId);
  if (replay) return replay;
  try {
    // 2.–4. load, decide, append (one try); 5. retry on conflict, only without the caller's
    // expected version, and a try on the cached state is free.
    return await retry(
      () => tryOnce(handling),
      (error) =>
        error instanceof VersionConflictError &&
        ctx.expectedVersion === undefined &&
        (handling.usedCache || handling.freshTries <= MAX_RETRIES),
    );
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    // 6. conflict details: the events appended since the version the caller (or we) decided on.
    const expected = ctx.expectedVersion ?? handling.loaded?.version ?? 0;
    return { ok: false, error: await conflictDetails(ctx.store, streamId, expected, error.actualVersion) };
  }
}

async function tryOnce<C, S, E extends { type: string; data: unknown }, Err>(
  h: Handling<C, S, E, Err>,
): Promise<CommandResult<Err>> {
  const { ctx, streamId } = h;
  const decide = (loaded: Loaded<S>, cached: boolean) =>
    withSpanSync("decide", { "ledger.stream": streamId, "ledger.version": loaded.version, "ledger.cached": cached }, (span) => {
      const decision = decideEach(h.decider, streamId, h.commands, loaded.state, loaded.version);
      span.setAttribute("ledger.events", decision.ok ? decision.events.length : 0);
      return decision;
    });
  // 2. load and decide. The first try may decide on the cached state without reading the stream:
  // the append's expected version proves it current, and a conflict sends us to the fresh path.
  // Only an append can be proven so; a rejection, a no-op or an unexpected version is re-decided
  // on fresh state before it is returned. A stale cache costs one conflict, not a retry.
  let step = h.tryCache ? decideOnCache(cachedState(ctx.store, h.facts, streamId), (l) => decide(l, true), ctx.expectedVersion) : null;
  h.tryCache = false;
  h.usedCache = step !== null;
  if (!step) {
    h.freshTries++;
    const loaded = await withSpan("load", { "ledger.stream": streamId }, async (span) => {
      const fresh = await loadForCommand(ctx.store, h.decider, h.facts, streamId);
      span.setAttribute("ledger.version", fresh.version);
      return fresh;
    });
    step = { loaded, decision: decide(loaded, false) };
  }
  const { loaded, decision } = step;
  h.loaded = loaded;
  if (ctx.expectedVersion !== undefined && ctx.expectedVersion !== loaded.version) {
    return { ok: false, error: await conflictDetails(ctx.store, streamId, ctx.expectedVersion, loaded.version) };
  }
  if (!decision.ok) return { ok: false, error: decision.error };
  // 3. nothing to append: record the no-op so that its command id replays as unchanged.
  if (decision.events.length === 0) {
    const earlier = await recordUnchanged(ctx.store, ctx.commandId, streamId, loaded.version);
    return earlier ?? { ok: true, streamId, version: loaded.version, position: null, unchanged: true, duplicate: false, events: [] };
  }
  // 4. append once, at the version decided on (throws VersionConflictError when it moved).
  const result = await ctx.store.append(streamId, decision.events, {
    expectedVersion: loaded.version === 0 ? "no_stream" : loaded.version,
    commandId: ctx.commandId,
    correlationId: ctx.correlationId,
    causationId: ctx.causationId,
    actor: ctx.actor,
    inTransaction: ctx.inAppendTransaction,
  });
  return afterAppend(h, loaded, result);
}

/** The outcome of an append: remember the new state and maybe snapshot it (4a, 4b). */
async function afterAppend<C, S, E extends { type: string; data: unknown }, Err>(
  h: Handling<C, S, E, Err>,
  loaded: Loaded<S>,
  result: AppendResult,
): Promise<CommandSuccess> {
  const { ctx, streamId } = h;
  if (result.duplicate) {
    const { nextExpectedVersion: version, lastPosition } = result;
    return { ok: true, streamId, version, position: lastPosition || null, unchanged: lastPosition === 0, duplicate: true, events: [] };
  }
  let next = loaded.state;
  for (const event of result.events) next = h.decider.evolve(next, event);
  rememberState(ctx.store, h.facts, streamId, next);
  const every = ctx.snapshotEvery ?? snapshotEvery();
  await maybeSnapshot(ctx.store, h.facts, streamId, next, loaded.version, result.nextExpectedVersion, every);
  return { ok: true, streamId, version: result.nextExpectedVersion, position: result.lastPosition, unchanged: false, duplicate: false, events: result.events };
}

/** The cached state and the decision on it, when an append could prove it current; else null. */
function decideOnCache<S, E, Err>(
  cached: Loaded<S> | undefined,
  decide: (loaded: Loaded<S>) => Decision<E, Err>,
  expectedVersion: number | undefined,
): { loaded: Loaded<S>; decision: Decision<E, Err> } | null {
  if (!cached) return null;
  const decision = decide(cached);
  const provable = decision.ok && decision.events.length > 0 && (expectedVersion === undefined || expectedVersion === cached.version);
  return provable ? { loaded: cached, decision } : null;
}
