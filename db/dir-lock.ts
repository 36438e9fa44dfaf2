import fs from "node:fs";
import path from "node:path";

/**
 * PGlite does not stop two processes from opening one data directory, and two writers there
 * lose committed rows (STACK.md trap 2). This lock file names its holder; a lock whose holder
 * is dead is taken over, a live one is refused with a message naming it.
 */
export function acquireDirectoryLock(dataDir: string): () => void {
  const lockPath = path.resolve(dataDir) + ".lock";
  const me = { pid: process.pid, host: process.env.HOSTNAME ?? "", startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify(me), { flag: "wx" });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          const holder = JSON.parse(fs.readFileSync(lockPath, "utf8"));
          if (holder.pid === process.pid) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
      process.once("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      let holder: { pid?: number } = {};
      try {
        holder = JSON.parse(fs.readFileSync(lockPath, "utf8"));
      } catch {
        /* unreadable lock: treat as stale */
      }
      if (holder.pid && isAlive(holder.pid)) {
        throw new Error(
          `The embedded database at ${dataDir} is in use by process ${holder.pid} (lock file ${lockPath}). ` +
            `Only one process may open a PGlite directory: stop that process, or set PGLITE_DIR to another directory.`,
        );
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${lockPath}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
