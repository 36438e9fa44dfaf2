import { z } from "zod";
import type { EventStore } from "@/lib/eventstore";
import { isStreamId } from "@/lib/eventstore/ids";
import { intParam, optionalParam } from "@/lib/queries/params";
import { toApiEvent } from "@/lib/queries/events";
import { compareVersions, fieldHistory } from "@/lib/timeline/compare";
import { FIELD_PATHS } from "@/lib/timeline/diff";
import { currentVersionOf, stateAt } from "@/lib/timeline/state-at";
import { isoInstant } from "@/lib/queries/as-of";
import { versionAt } from "@/lib/queries/version-at";
import { apiError, HttpError, validationFailed } from "./errors";

/**
 * The HTTP adapter of the timeline (`/api/streams/:streamId/…`, and the timeline page): parameter
 * schemas and the calls into lib/timeline, with events as the API shows them. The timeline's
 * errors (StreamNotFoundError, VersionOutOfRangeError) map to HTTP in errors.ts.
 */

const MAX = Number.MAX_SAFE_INTEGER;
/** Largest window `GET …/events` returns at once. */
export const EVENTS_PAGE_LIMIT = 1000;

/** A malformed stream id cannot name a stream: a 404, like an unknown one. */
export function parseStreamId(raw: string): string {
  if (!isStreamId(raw)) throw new HttpError(apiError("not_found", `No stream ${JSON.stringify(raw)}`));
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

export const stateParams = z
  .object({
    version: optionalParam(intParam("version", 1, MAX)),
    /** "Go to date": the last version at or before this instant. */
    at: optionalParam(isoInstant("at")),
  })
  .strict()
  .refine((p) => p.version === undefined || p.at === undefined, { path: ["at"], error: "Give version or at, not both" });

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

/**
 * `GET …/state`: the state at `version` (default: the latest; with `at`, the last version at or
 * before that instant) with event, changes and provenance.
 */
export async function streamState(store: EventStore, streamId: string, params: z.output<typeof stateParams>) {
  const version = params.at ? await versionAtOrFail(store, streamId, params.at) : (params.version ?? (await currentVersionOf(store, streamId)));
  const result = await stateAt(store, streamId, version);
  return { ...result, event: toApiEvent(result.event) };
}

/** The last version at or before `at`; 404 for an unknown stream, 400 when it began later. */
async function versionAtOrFail(store: EventStore, streamId: string, at: string): Promise<number> {
  const { version, firstAt } = await versionAt(store.db, streamId, at);
  if (!firstAt) throw new HttpError(apiError("not_found", `No stream ${JSON.stringify(streamId)}`));
  if (version === 0) throw new HttpError(validationFailed({ at: [`The stream had no version yet at ${at}: its first event is at ${firstAt}`] }));
  return version;
}

export const streamComparison = (store: EventStore, streamId: string, params: z.output<typeof compareParams>) =>
  compareVersions(store, streamId, params.from, params.to);

export const streamFieldHistory = (store: EventStore, streamId: string, params: z.output<typeof historyParams>) =>
  fieldHistory(store, streamId, params.field, params.toVersion);

export type StateResponse = Awaited<ReturnType<typeof streamState>>;
export type EventsResponse = Awaited<ReturnType<typeof streamEvents>>;
export type CompareResponse = Awaited<ReturnType<typeof streamComparison>>;
export type HistoryResponse = Awaited<ReturnType<typeof streamFieldHistory>>;

