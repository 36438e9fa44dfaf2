/**
 * The id patterns of the store, defined once: the HTTP layer, the actions and the timeline check
 * their input against these, so nothing they accept is refused by an append.
 */

/** A stream id: `<Type>-<id>`, the type a letter then up to 63 word characters. */
export const STREAM_ID = /^[A-Za-z][A-Za-z0-9_]{0,63}-[A-Za-z0-9_.:-]{1,200}$/;

/** A command id (idempotency key) or correlation id: 1–200 printable ASCII characters, no spaces. */
export const COMMAND_ID = /^[\x21-\x7e]{1,200}$/;

export const isStreamId = (value: unknown): value is string => typeof value === "string" && STREAM_ID.test(value);
export const isCommandId = (value: unknown): value is string => typeof value === "string" && COMMAND_ID.test(value);
