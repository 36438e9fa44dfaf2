// The node arguments that start the built app (`next start`), shared by `npm start`, the browser
// tests and the bench, so that each runs the server the same way; and the heap cap, which the
// projector worker (`npm run worker`: scripts/worker-start.mjs) and the bench's projector
// processes take from heapArgs() too.
//
// The V8 old generation is capped (LEDGER_HEAP_MB, default 256; 0 for V8's own default, about a
// quarter of the machine's memory). Uncapped, V8 let a server whose live heap is 60–90 MB grow to
// 470 MB under list and command load before collecting (bench memory; docs/performance.md); at
// 256 MB or less V8 sizes its heap as on a small device and the same load peaks near 200 MB (a
// projector catching up on 100,000 events: about 200 MB instead of 260–360, and flat). The
// cap is a hard limit: a process whose live heap outgrows it stops with an out-of-memory error,
// so raise it for unusual loads (a projection catching up in-process on a huge log, very long
// streams replayed in the timeline).
export const DEFAULT_HEAP_MB = 256;

/** The heap cap as node arguments (none with LEDGER_HEAP_MB=0). */
export function heapArgs(env = process.env) {
  const heapMb = Number(env.LEDGER_HEAP_MB ?? DEFAULT_HEAP_MB);
  if (!Number.isInteger(heapMb) || heapMb < 0) throw new Error("LEDGER_HEAP_MB must be a whole number of megabytes (0: V8's default)");
  return heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : [];
}

/** `node <these>` → next start on `port` (and `host`, when given). */
export function nextStartArgs(port, host, env = process.env) {
  return [...heapArgs(env), "node_modules/next/dist/bin/next", "start", "-p", String(port), ...(host ? ["-H", host] : [])];
}
