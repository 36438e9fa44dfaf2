import assert from "node:assert/strict";
import { decideEach, provisional, type Decider, type Decision } from "@/lib/commands/decider";
import { at } from "./clock";

const STREAM_ID = "Test-00000000-0000-7000-8000-000000000001";

/**
 * given(events).when(commands).then(events) | thenError(code) | thenNothing() | thenIdempotent(),
 * over any pure decider (after Emmett's DeciderSpecification). Several commands in `when` are
 * decided as handleCommand decides a list: each against the state the previous ones made.
 */
export const DeciderSpecification = {
  for<C, S, E extends { type: string; data: unknown }, Err extends { code: string }>(
    decider: Decider<C, S, E, Err>,
    streamId = STREAM_ID,
  ) {
    const fold = (events: readonly E[]) =>
      events.reduce((state, event, index) => decider.evolve(state, provisional(streamId, index + 1, event, at(index))), decider.initialState());
    const decideOn = (history: readonly E[], commands: readonly C[]): Decision<E, Err> =>
      decideEach(decider, streamId, commands, fold(history), history.length);
    return {
      given(...history: E[]) {
        return {
          state: fold(history),
          when(...commands: C[]) {
            const decision = decideOn(history, commands);
            return {
              decision,
              then(expected: E[]) {
                assert.equal(decision.ok, true, `expected events, got ${JSON.stringify(decision)}`);
                if (decision.ok) assert.deepEqual(decision.events, expected);
                return decision;
              },
              thenError(code: Err["code"]) {
                assert.equal(decision.ok, false, `expected ${code}, got ${JSON.stringify(decision)}`);
                if (!decision.ok) assert.equal(decision.error.code, code);
              },
              thenNothing() {
                assert.deepEqual(decision, { ok: true, events: [] });
              },
              /** Idempotency (Equinox verifyIdempotency): fold the result, decide again, expect []. */
              thenIdempotent() {
                assert.equal(decision.ok, true);
                if (!decision.ok) return;
                assert.deepEqual(decideOn([...history, ...decision.events], commands), { ok: true, events: [] });
              },
            };
          },
        };
      },
    };
  },
};
