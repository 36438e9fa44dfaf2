export { EventStore, cursorOf, loadLatest, toRecorded, type LatestState } from "./store";
export { EVENTS_CHANNEL, notifyAppended } from "./notify";
export { VersionConflictError, InvalidAppendError, InvalidCursorError } from "./errors";
export { encodeCursor, decodeCursor, compareCursors, START, type GlobalCursor } from "./cursor";
export type * from "./types";
