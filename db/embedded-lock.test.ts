import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { acquireEmbeddedLock, EmbeddedDirectoryInUseError, holderPathOf, lockPathOf, socketScope, STALE_MS } from "./embedded-lock";

const lockModule = path.resolve("db/embedded-lock.ts");
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

const fresh = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ledger-lock-")), "db");

/**
 * A separate process that takes the lock, prints "locked" (or "refused: <message>") and then
 * holds it; `blockMs` then blocks its main thread that long, as a long PGlite call does.
 */
function holder(dir: string, blockMs = 0) {
  const code = `
    const { acquireEmbeddedLock } = await import(${JSON.stringify(lockModule)});
    try {
      await acquireEmbeddedLock(${JSON.stringify(dir)}, { waitMs: 0 });
      console.log("locked");
      const until = Date.now() + ${blockMs};
      while (Date.now() < until) {}
      setInterval(() => {}, 1000);
    } catch (error) {
      console.log("refused: " + error.message);
      process.exit(3);
    }`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  const firstLine = new Promise<string>((resolve) => {
    const check = () => (out.includes("\n") ? resolve(out.split("\n")[0]) : undefined);
    child.stdout!.on("data", check);
    child.once("exit", () => resolve(out.split("\n")[0]));
  });
  return { child, firstLine };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode ? resolve() : child.once("exit", () => resolve())));

describe("embedded database lock", () => {
  it("refuses a directory a live process holds, naming its pid, host and start", async () => {
    const dir = fresh();
    const { child, firstLine } = holder(dir);
    assert.equal(await firstLine, "locked");
    await assert.rejects(acquireEmbeddedLock(dir, { waitMs: 300 }), (error: Error) => {
      assert.ok(error instanceof EmbeddedDirectoryInUseError);
      assert.match(error.message, new RegExp(`in use by pid ${child.pid} on host ${os.hostname()} since \\d{4}-`));
      return true;
    });
    child.kill("SIGKILL");
    await exited(child);
  });

  it("keeps the lock while the holder's main thread is blocked longer than the stale time", async () => {
    const dir = fresh();
    const { child, firstLine } = holder(dir, STALE_MS + 2500);
    assert.equal(await firstLine, "locked");
    await assert.rejects(acquireEmbeddedLock(dir, { waitMs: STALE_MS + 1500 }), EmbeddedDirectoryInUseError);
    child.kill("SIGKILL");
    await exited(child);
  });

  it("takes over the lock of a SIGKILLed holder within the stale time", async () => {
    const dir = fresh();
    const { child, firstLine } = holder(dir);
    assert.equal(await firstLine, "locked");
    child.kill("SIGKILL");
    await exited(child);
    const started = Date.now();
    const lock = await acquireEmbeddedLock(dir);
    assert.ok(Date.now() - started < STALE_MS + 1500, `took ${Date.now() - started} ms`);
    assert.equal(JSON.parse(fs.readFileSync(holderPathOf(dir), "utf8")).pid, process.pid);
    await lock.release();
    assert.equal(fs.existsSync(lockPathOf(dir)), false);
  });

  it("on Linux, takes a SIGKILLed holder's lock at once, without waiting for it to go stale", { skip: !socketScope() && "no abstract sockets here" }, async () => {
    const dir = fresh();
    const { child, firstLine } = holder(dir);
    assert.equal(await firstLine, "locked");
    child.kill("SIGKILL");
    await exited(child);
    // The dead holder's mkdir lock looks freshly touched: only the freed socket can say it is dead.
    const now = new Date();
    fs.utimesSync(lockPathOf(dir), now, now);
    const lock = await acquireEmbeddedLock(dir, { waitMs: 0 });
    assert.equal(JSON.parse(fs.readFileSync(holderPathOf(dir), "utf8")).pid, process.pid);
    await lock.release();
  });

  it("refuses a fresh lock of a holder the socket cannot see (another container or host), though its socket is free", async () => {
    const dir = fresh();
    fs.mkdirSync(lockPathOf(dir));
    fs.writeFileSync(holderPathOf(dir), JSON.stringify({ pid: 4242, host: "other-host", since: new Date().toISOString(), scope: "another-boot/net:[1]" }));
    await assert.rejects(acquireEmbeddedLock(dir, { waitMs: 0 }), (error: Error) => {
      assert.ok(error instanceof EmbeddedDirectoryInUseError);
      assert.match(error.message, /in use by pid 4242 on host other-host/);
      return true;
    });
    assert.equal(fs.existsSync(lockPathOf(dir)), true, "another scope's lock is left alone");
  });

  it("is not blocked by a dead holder's lock whose PID now belongs to a live, unrelated process", async () => {
    const dir = fresh();
    const unrelated = spawn("sleep", ["30"]);
    children.push(unrelated);
    // The dead holder's lock, last touched 10 s ago, naming the PID that is alive now.
    fs.mkdirSync(lockPathOf(dir));
    const old = new Date(Date.now() - 10_000);
    fs.utimesSync(lockPathOf(dir), old, old);
    fs.writeFileSync(holderPathOf(dir), JSON.stringify({ pid: unrelated.pid, host: os.hostname(), since: old.toISOString() }));
    const started = Date.now();
    const lock = await acquireEmbeddedLock(dir, { waitMs: 0 });
    assert.ok(Date.now() - started < 1000);
    await lock.release();
    // The same with the lock file of earlier versions (a plain file naming the PID).
    fs.writeFileSync(lockPathOf(dir), JSON.stringify({ pid: unrelated.pid }));
    await (await acquireEmbeddedLock(dir, { waitMs: 0 })).release();
    unrelated.kill("SIGKILL");
  });

  it("lets exactly one of two processes started at the same moment take it", async () => {
    const dir = fresh();
    const a = holder(dir);
    const b = holder(dir);
    const lines = await Promise.all([a.firstLine, b.firstLine]);
    assert.deepEqual(lines.filter((l) => l === "locked").length, 1, lines.join(" | "));
    assert.match(lines.find((l) => l !== "locked")!, /refused: .* is in use by pid \d+/);
    a.child.kill("SIGKILL");
    b.child.kill("SIGKILL");
    await Promise.all([exited(a.child), exited(b.child)]);
  });
});
