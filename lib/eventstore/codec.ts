import type { Db } from "@/db/client";
import { hasSealed, type PersonalData } from "./crypto/personal";
import type { PreparedEvent } from "./prepare-append";
import type { EventRegistry, RecordedEvent } from "./types";
import { upcastEvent } from "./upcast";

/**
 * What the store does to events at its boundary, so that nothing above it (domain, commands,
 * projections, timeline, API) sees storage concerns:
 * - on append, the personal fields (registry `personal` paths) are sealed with the stream's data
 *   key, when the store has personal-data encryption;
 * - on every read, sealed fields are opened (or read ERASED when the key was deleted), then the
 *   data is upcast from its stored schema version to the current one.
 */
export class EventCodec {
  constructor(
    private readonly registry: EventRegistry,
    readonly personal: PersonalData | null = null,
  ) {}

  /** The prepared events as they are stored: personal fields sealed. */
  async encode(db: Db, streamId: string, payload: PreparedEvent[]): Promise<PreparedEvent[]> {
    if (!this.personal) return payload;
    const items = payload.map((event) => ({ value: event.data, paths: this.registry[event.type]?.personal ?? [] }));
    const sealed = await this.personal.seal(db, streamId, items);
    return payload.map((event, index) => ({ ...event, data: sealed[index] }));
  }

  /** Events as read: opened (or ERASED) and upcast. One key query for the whole batch. */
  async decode(db: Db, events: RecordedEvent[]): Promise<RecordedEvent[]> {
    const personal = this.personal;
    const sealedStreams = personal ? events.filter((event) => hasSealed(event.data)).map((event) => event.streamId) : [];
    if (!personal || sealedStreams.length === 0) return events.map((event) => upcastEvent(this.registry, event));
    const keys = await personal.keysOf(db, sealedStreams);
    return events.map((event) => {
      const opened = hasSealed(event.data) ? { ...event, data: personal.open(event.data, event.streamId, keys.get(event.streamId)) } : event;
      return upcastEvent(this.registry, opened);
    });
  }

  /** A snapshot's state as stored: the `paths` sealed with the stream's key. */
  async encodeState(db: Db, streamId: string, state: unknown, paths: readonly string[]): Promise<unknown> {
    if (!this.personal) return state;
    const [sealed] = await this.personal.seal(db, streamId, [{ value: state, paths }]);
    return sealed;
  }

  /** A snapshot's state as read: opened, or ERASED when the key was deleted. */
  async decodeState<S>(db: Db, streamId: string, state: S): Promise<S> {
    if (!this.personal || !hasSealed(state)) return state;
    const keys = await this.personal.keysOf(db, [streamId]);
    return this.personal.open(state, streamId, keys.get(streamId)) as S;
  }
}
