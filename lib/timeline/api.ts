import { z } from "zod";
import type { EventStore } from "@/lib/eventstore";
import { errorResponse, HttpError, json } from "@/lib/http/errors";
import { intParam, optionalParam } from "@/lib/queries/params";
import { toApiEvent } from "@/lib/queries/events";
import { compareVersions, fieldHistory } from "./compare";
import { FIELD_PATHS } from "./diff";
import { currentVersionOf, stateAt, StreamNotFoundError, VersionOutOfRangeError } from "./state-at";

/**
 * The JSON API of the timeline (`/api/streams/:streamId/…`): parameter schemas, the calls into
 * lib/timeline, and the mapping of its errors to `{ error: { code, message, … } }` bodies.
 */

const MAX = Number.MAX_SAFE_INTEGER;
/** Largest window `GET …/events` returns at once. */
export const EVENTS_PAGE_LIMIT = 1000;

const STREAM_ID = /^[A-Za-z][A-Za-z0-9_]{0,63}-[A-Za-z0-9_.:-]{1,200}$/;

/** A malformed stream id cannot name a stream: a 404, like an unknown one. */
export function parseStreamId(raw: string): string {
  if (!STREAM_ID.test(raw)) throw new HttpError(errorResponse("not_found", `No stream ${JSON.stringify(raw)}`));
  return raw;
}

export const eventsParams = z
  .object({
    fromVersion: optionalParam(intParam("fromVersion", 1, MAX)).default(1),
    toVersion: optionalParam(intParam("toVersion", 1, MAX)),
  })
  .strict()
  .refine((p) => p.toVersion === undefined || p.toVersion >= p.fromVersion, {
    path: ["toVersion"],
    error: "toVersion must be at least fromVersion",
  });

export const stateParams = z.object({ version: optionalParam(intParam("version", 1, MAX)) }).strict();

/** A required integer parameter: absent or blank says "required", not "not a number". */
const requiredInt = (label: string) =>
  z
    .string({ error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .transform(Number)
    .pipe(
      z
        .number({ error: `${label} must be a whole number` })
        .int(`${label} must be a whole number`)
        .min(1, `${label} must be at least 1`)
        .max(MAX, `${label} must be at most ${MAX}`),
    );

export const compareParams = z
  .object({ from: requiredInt("from"), to: requiredInt("to") })
  .strict()
  .refine((p) => p.from < p.to, { path: ["to"], error: "to must be greater than from" });

export const historyParams = z
  .object({
    field: z.enum(FIELD_PATHS, { error: `field must be one of ${FIELD_PATHS.join(", ")}` }),
    toVersion: optionalParam(intParam("toVersion", 1, MAX)),
  })
  .strict();

/** Map the timeline's own errors to HTTP; anything else propagates (a bug: 500). */
export async function timelineResponse(run: () => Promise<unknown>): Promise<Response> {
  try {
    return json(await run());
  } catch (error) {
    if (error instanceof StreamNotFoundError) throw new HttpError(errorResponse("not_found", error.message));
    if (error instanceof VersionOutOfRangeError) {
      throw new HttpError(
        errorResponse("validation_failed", error.message, {
          fieldErrors: { version: [`Version must be between 1 and ${error.currentVersion}`] },
          version: error.version,
          currentVersion: error.currentVersion,
        }),
      );
    }
    throw error;
  }
}

/** `GET …/events`: the stream's events in [fromVersion, toVersion], at most EVENTS_PAGE_LIMIT. */
export async function streamEvents(store: EventStore, streamId: string, params: z.output<typeof eventsParams>) {
  const currentVersion = await currentVersionOf(store, streamId);
  const last = Math.min(params.toVersion ?? MAX, params.fromVersion + EVENTS_PAGE_LIMIT - 1, currentVersion);
  const events = last >= params.fromVersion ? await store.readStream(streamId, { fromVersion: params.fromVersion, toVersion: last }) : [];
  const wanted = Math.min(params.toVersion ?? currentVersion, currentVersion);
  return {
    events: events.map(toApiEvent),
    currentVersion,
    /** Where the next page starts when the range was longer than one page. */
    nextFromVersion: last < wanted ? last + 1 : null,
  };
}

/** `GET …/state`: the state at `version` (default: the latest) with event, changes and provenance. */
export async function streamState(store: EventStore, streamId: string, params: z.output<typeof stateParams>) {
  const version = params.version ?? (await currentVersionOf(store, streamId));
  const result = await stateAt(store, streamId, version);
  return { ...result, event: toApiEvent(result.event) };
}

export const streamComparison = (store: EventStore, streamId: string, params: z.output<typeof compareParams>) =>
  compareVersions(store, streamId, params.from, params.to);

export const streamFieldHistory = (store: EventStore, streamId: string, params: z.output<typeof historyParams>) =>
  fieldHistory(store, streamId, params.field, params.toVersion);

export type StateResponse = Awaited<ReturnType<typeof streamState>>;
export type EventsResponse = Awaited<ReturnType<typeof streamEvents>>;
export type CompareResponse = Awaited<ReturnType<typeof streamComparison>>;
export type HistoryResponse = Awaited<ReturnType<typeof streamFieldHistory>>;

