// Builds the app when there is no build yet, or when a source file is newer than the build.
// Several callers may run at once (`npm test` runs test files in parallel, and more than one of them
// starts `next start`): a lock next to the build folder makes one build while the others wait,
// then they see the fresh build and go on.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import lockfile from "proper-lockfile";

const distDir = process.env.NEXT_DIST_DIR || ".next";
const buildId = path.join(distDir, "BUILD_ID");
const sources = ["app", "components", "lib", "db", "instrumentation.ts", "next.config.js", "package.json", "tsconfig.json"];

function newest(entry) {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) max = Math.max(max, newest(path.join(entry, child)));
  return max;
}

function staleness() {
  const builtAt = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
  if (builtAt === 0) return "no build yet";
  return Math.max(...sources.map(newest)) > builtAt ? "sources changed" : null;
}

if (staleness()) {
  // The holder touches the lock while it builds (the build runs asynchronously so that it can);
  // a holder that died leaves a lock that goes stale in 10 s.
  const release = await lockfile.lock(".", {
    lockfilePath: `${distDir}.build.lock`,
    retries: { retries: 1200, minTimeout: 500, maxTimeout: 1000 },
  });
  try {
    const why = staleness();
    if (why) {
      console.log(why === "no build yet" ? "[start] no build yet: running next build" : "[start] sources changed: rebuilding");
      const code = await new Promise((resolve) => {
        const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
          stdio: "inherit",
          env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
        });
        child.once("exit", (status) => resolve(status ?? 1));
      });
      if (code !== 0) process.exitCode = code;
    }
  } finally {
    await release();
  }
}
