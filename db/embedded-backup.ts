import fs from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";

/**
 * Backups of a PGlite directory that a running process holds. Only the holder may open the
 * directory, so `npm run db:backup` asks it: it drops a request file beside the directory, the
 * holder (polling a few times a second) writes PGlite's `dumpDataDir()` tarball to the requested
 * path, under a temporary name renamed into place, and answers in a result file.
 *
 * The dump runs between two statements (PGlite serialises it with queries) and reads the files,
 * which hold every committed transaction's WAL: loading it replays the WAL like a restart after
 * a crash, so the copy is consistent and has every transaction committed before it.
 */

export const requestPathOf = (dataDir: string) => path.resolve(dataDir) + ".backup-request.json";
const resultPathOf = (dataDir: string, id: string) => `${path.resolve(dataDir)}.backup-result-${id}.json`;

interface BackupRequest {
  id: string;
  file: string;
}

/** Write a dump to `file` atomically (temporary name, then rename). */
export async function writeDump(file: string, dump: Blob): Promise<void> {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.partial-${process.pid}`;
  fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  fs.renameSync(tmp, file);
}

/** Holder side: answer backup requests for `dataDir` with `dump()`. Returns a stop function. */
export function serveBackupRequests(dataDir: string, dump: () => Promise<Blob>, pollMs = 250): () => void {
  const requestPath = requestPathOf(dataDir);
  let busy = false;
  const timer = setInterval(() => {
    if (busy || !fs.existsSync(requestPath)) return;
    busy = true;
    void (async () => {
      let request: BackupRequest | undefined;
      try {
        request = JSON.parse(fs.readFileSync(requestPath, "utf8")) as BackupRequest;
        fs.rmSync(requestPath, { force: true });
        await writeDump(request.file, await dump());
        fs.writeFileSync(resultPathOf(dataDir, request.id), JSON.stringify({ ok: true }));
        console.log(`[ledger] backup of ${dataDir} written to ${request.file}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (request) fs.writeFileSync(resultPathOf(dataDir, request.id), JSON.stringify({ ok: false, error: message }));
        fs.rmSync(requestPath, { force: true });
      } finally {
        busy = false;
      }
    })();
  }, pollMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** Client side: ask the holder of `dataDir` for a dump into `file`; resolves when it is written. */
export async function requestBackupFromHolder(dataDir: string, file: string, timeoutMs = 120_000): Promise<void> {
  const id = randomUUID();
  const requestPath = requestPathOf(dataDir);
  const tmp = `${requestPath}.${id}`;
  fs.writeFileSync(tmp, JSON.stringify({ id, file: path.resolve(file) } satisfies BackupRequest));
  fs.renameSync(tmp, requestPath);
  const resultPath = resultPathOf(dataDir, id);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(resultPath)) {
      const result = JSON.parse(fs.readFileSync(resultPath, "utf8")) as { ok: boolean; error?: string };
      fs.rmSync(resultPath, { force: true });
      if (!result.ok) throw new Error(`the running process could not write the backup: ${result.error}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fs.rmSync(requestPath, { force: true });
  throw new Error(`the process holding ${dataDir} did not answer the backup request within ${timeoutMs / 1000} s`);
}
