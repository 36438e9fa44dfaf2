import { z } from "zod";
import { customerCommandInput, toCustomerCommand } from "@/lib/domain/customer/command-input";
import { customerIdOf } from "@/lib/domain/customer/events";
import type { EventStore } from "@/lib/eventstore";
import { toApiEvent } from "@/lib/queries/events";
import { whatIf } from "@/lib/timeline/what-if";

/** `POST /api/streams/:streamId/what-if` body: the version to decide at and the command. */
export const whatIfBody = z
  .object({
    version: z.number({ error: "version must be a whole number" }).int("version must be a whole number").min(1, "version must be at least 1"),
    command: customerCommandInput,
  })
  .strict();

/** A what-if preview with events as the API shows them. Nothing is appended. */
export async function streamWhatIf(store: EventStore, streamId: string, body: z.output<typeof whatIfBody>) {
  const id = customerIdOf(streamId) ?? streamId;
  const result = await whatIf(store, streamId, body.version, toCustomerCommand(id, body.command));
  return { ...result, actual: { ...result.actual, events: result.actual.events.map(toApiEvent) } };
}

export type WhatIfResponse = Awaited<ReturnType<typeof streamWhatIf>>;
