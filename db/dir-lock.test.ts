import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { acquireDirectoryLock } from "./dir-lock";

describe("PGlite directory lock", () => {
  const fresh = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ledger-lock-")), "db");

  it("refuses a directory held by a live process, naming it", () => {
    const dir = fresh();
    fs.writeFileSync(`${dir}.lock`, JSON.stringify({ pid: process.ppid }));
    assert.throws(() => acquireDirectoryLock(dir), new RegExp(`in use by process ${process.ppid}`));
  });

  it("takes over the lock of a dead holder", () => {
    const dir = fresh();
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
    fs.writeFileSync(`${dir}.lock`, JSON.stringify({ pid: Number(dead) }));
    const release = acquireDirectoryLock(dir);
    assert.equal(JSON.parse(fs.readFileSync(`${dir}.lock`, "utf8")).pid, process.pid);
    release();
    assert.equal(fs.existsSync(`${dir}.lock`), false);
  });

  it("refuses a second open in the same process, and allows one after release", () => {
    const dir = fresh();
    acquireDirectoryLock(dir)();
    const again = acquireDirectoryLock(dir);
    assert.throws(() => acquireDirectoryLock(dir), new RegExp(`in use by process ${process.pid}`));
    again();
  });
});
