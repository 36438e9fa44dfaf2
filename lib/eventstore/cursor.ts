/**
 * The follower cursor: the (transaction id, position) of the last event read. Serialised as
 * `"<txid>_<position>"`; callers treat it as opaque.
 */
export interface GlobalCursor {
  transactionId: string;
  position: number;
}

const XID8_MAX = 18446744073709551615n;

export const START: GlobalCursor = { transactionId: "0", position: 0 };

export function encodeCursor(cursor: GlobalCursor): string {
  return `${cursor.transactionId}_${cursor.position}`;
}

/** Parse an opaque cursor; null when it is not one of ours. */
export function decodeCursor(text: string): GlobalCursor | null {
  const match = /^(\d{1,20})_(\d{1,16})$/.exec(text);
  if (!match) return null;
  const position = Number(match[2]);
  if (!Number.isSafeInteger(position)) return null;
  // xid8 is an unsigned 64-bit integer: a larger id would make the database raise, not a 400.
  if (BigInt(match[1]) > XID8_MAX) return null;
  return { transactionId: match[1].replace(/^0+(?=\d)/, ""), position };
}

export function compareCursors(a: GlobalCursor, b: GlobalCursor): number {
  const ta = BigInt(a.transactionId);
  const tb = BigInt(b.transactionId);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.position - b.position;
}
