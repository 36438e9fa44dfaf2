export { EventStore, cursorOf, toRecorded } from "./store";
export { VersionConflictError, InvalidAppendError, InvalidCursorError } from "./errors";
export { encodeCursor, decodeCursor, compareCursors, START, type GlobalCursor } from "./cursor";
export type * from "./types";
