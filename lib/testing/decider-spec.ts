import assert from "node:assert/strict";
import type { CustomerCommand } from "@/lib/domain/customer/commands";
import { decide, decideAll } from "@/lib/domain/customer/decide";
import type { CustomerError } from "@/lib/domain/customer/errors";
import type { CustomerEvent, CustomerEventEnvelope } from "@/lib/domain/customer/events";
import { fold, type CustomerState } from "@/lib/domain/customer/state";
import { at } from "./clock";

/**
 * given(events).when(command).then(events) | thenError(code) | thenNothing(), over the pure
 * customer decider (after Emmett's DeciderSpecification).
 */
export function given(...history: CustomerEvent[]) {
  const streamId = "Customer-00000000-0000-7000-8000-000000000001";
  const state: CustomerState = fold(envelopes(streamId, history));
  const run = (commands: CustomerCommand[]) =>
    commands.length === 1 ? decide(commands[0], state) : decideAll(commands, state, { streamId, timestamp: at() });
  return {
    state,
    when(...commands: CustomerCommand[]) {
      const decision = run(commands);
      return {
        then(expected: CustomerEvent[]) {
          assert.equal(decision.ok, true, `expected events, got ${JSON.stringify(decision)}`);
          if (decision.ok) assert.deepEqual(decision.events, expected);
          return decision;
        },
        thenError(code: CustomerError["code"]) {
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
          const after = fold(envelopes(streamId, [...history, ...decision.events]));
          const again = commands.length === 1 ? decide(commands[0], after) : decideAll(commands, after, { streamId, timestamp: at() });
          assert.deepEqual(again, { ok: true, events: [] });
        },
      };
    },
  };
}

export function envelopes(streamId: string, events: CustomerEvent[]): CustomerEventEnvelope[] {
  return events.map((event, index) => ({ ...event, streamId, version: index + 1, timestamp: at(index) }));
}
