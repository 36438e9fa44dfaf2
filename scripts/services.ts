// `npm run services`: the orders and payments services, each its own Node process, against
// NATS_URL and their own databases (see services/*/main.ts for the environment). Ctrl-C stops both.
import { spawn, type ChildProcess } from "node:child_process";

if (!process.env.NATS_URL) {
  console.error("npm run services needs NATS_URL (e.g. nats://127.0.0.1:4222)");
  process.exit(2);
}
const children: ChildProcess[] = ["services/orders/main.ts", "services/payments/main.ts"].map((entry) =>
  spawn(process.execPath, ["--import", "tsx", entry], { stdio: "inherit", env: process.env }),
);
let stopping = false;
const stop = (code: number) => {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  Promise.all(children.map((child) => (child.exitCode !== null ? null : new Promise((resolve) => child.once("exit", resolve))))).then(() => process.exit(code));
};
for (const child of children) child.once("exit", (code) => stop(code ?? 1));
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));
