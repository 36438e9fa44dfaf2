// `npm run worker`: starts scripts/worker.ts with the same heap cap as the app (LEDGER_HEAP_MB,
// scripts/server-args.mjs). The worker is this process's direct child and receives our signals,
// so stopping `npm run worker` stops it (as scripts/start.mjs does for the app).
import { spawn } from "node:child_process";
import { heapArgs } from "./server-args.mjs";

let args;
try {
  args = [...heapArgs(), "--import", "tsx", "scripts/worker.ts", ...process.argv.slice(2)];
} catch (error) {
  console.error(error.message);
  process.exit(2);
}
const child = spawn(process.execPath, args, { stdio: "inherit" });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
