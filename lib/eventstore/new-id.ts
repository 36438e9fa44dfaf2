import { randomFillSync } from "node:crypto";
import { v7 as uuidv7 } from "uuid";

/**
 * A new UUID v7 (time-ordered by the millisecond, random below it) for an event or a command, its
 * random bytes taken from a pool of 4 KiB refilled from the CSPRNG. uuid's own v7 asks the CSPRNG
 * for 16 bytes on every id, about 5 µs a call on the bench machine against 0.6 µs from the pool:
 * half a millisecond per append of 100 events. Ids generated within one millisecond are not
 * ordered among themselves (nothing orders events by id; the log's order is its position).
 */
export function newId(): string {
  return uuidv7({ rng: pooledRandom });
}

const pool = new Uint8Array(4096);
let next = pool.length;

function pooledRandom(): Uint8Array {
  if (next + 16 > pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  // A copy: uuid reads the bytes once, but nothing handed out may alias bytes handed out later.
  return pool.slice(next, (next += 16));
}
