import type { CustomerCommand } from "@/lib/domain/customer/commands";
import { decide } from "@/lib/domain/customer/decide";
import { customerErrorMessages, type CustomerError } from "@/lib/domain/customer/errors";
import type { CustomerEvent } from "@/lib/domain/customer/events";
import type { EventStore, RecordedEvent } from "@/lib/eventstore";
import { stateAt } from "./state-at";

/** How many of the events that really followed version N a what-if shows. */
export const WHAT_IF_ACTUAL_LIMIT = 10;

export interface WhatIfResult {
  /** The version the command was decided against. */
  version: number;
  currentVersion: number;
  command: CustomerCommand;
  /** The decision: the events it would append (none: "nothing would change"), or the rule that says no. */
  outcome: { ok: true; events: CustomerEvent[]; unchanged: boolean } | { ok: false; error: CustomerError & { message: string } };
  /** What really happened after N (the first WHAT_IF_ACTUAL_LIMIT events), and whether there was more. */
  actual: { events: RecordedEvent[]; more: boolean };
  /**
   * `same`: the command would have appended exactly the events that really came next (type and data);
   * `different`: something else happened next; `nothing-after`: N is the latest version.
   */
  comparison: "same" | "different" | "nothing-after";
}

/**
 * Decide `command` against the customer as it was right after version N: the domain's `decide`
 * only, nothing is appended, no key, cache or snapshot is touched. Unknown stream: StreamNotFoundError;
 * N outside 1…current: VersionOutOfRangeError.
 */
export async function whatIf(store: EventStore, streamId: string, version: number, command: CustomerCommand): Promise<WhatIfResult> {
  const at = await stateAt(store, streamId, version);
  const decision = decide(command, at.state);
  const last = Math.min(at.currentVersion, version + WHAT_IF_ACTUAL_LIMIT);
  const actual = last > version ? await store.readStream(streamId, { fromVersion: version + 1, toVersion: last }) : [];
  const outcome: WhatIfResult["outcome"] = decision.ok
    ? { ok: true, events: decision.events, unchanged: decision.events.length === 0 }
    : { ok: false, error: { ...decision.error, message: customerErrorMessages[decision.error.code] } };
  let comparison: WhatIfResult["comparison"] = "nothing-after";
  if (actual.length) {
    const would = decision.ok ? decision.events : [];
    const same = would.length > 0 && would.every((e, i) => actual[i] && actual[i].type === e.type && canonical(actual[i].data) === canonical(e.data));
    comparison = same ? "same" : "different";
  }
  return {
    version,
    currentVersion: at.currentVersion,
    command,
    outcome,
    actual: { events: actual, more: at.currentVersion > last },
    comparison,
  };
}

/** JSON with object keys sorted and absent/undefined fields dropped: stored (jsonb) and decided data compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}
