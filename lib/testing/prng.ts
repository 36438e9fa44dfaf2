/**
 * The one seeded PRNG of the repo (mulberry32): tests, load generators and the bench data sets
 * draw from it, so a failing run can be rerun exactly as it was. Returns floats in [0, 1).
 * Changing it changes every generated data set (and the bench's cached ones): don't.
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
