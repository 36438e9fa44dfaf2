// Serves the built app on PORT (default 3000). The server is this process's direct child and
// receives our signals, so stopping `npm start` stops the server (STACK.md trap 10).
import { spawn } from "node:child_process";
import { nextStartArgs } from "./server-args.mjs";

const port = process.env.PORT || "3000";
const child = spawn(process.execPath, nextStartArgs(port), {
  stdio: "inherit",
  env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env },
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
