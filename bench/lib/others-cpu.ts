import fs from "node:fs";
import os from "node:os";
import type { RawClient } from "./context";

/*
 * How much of the machine other processes used while a scenario ran: a figure that moved between
 * two runs is believable only if the machine was equally quiet. "Ours" is this process and its
 * descendants (projector children, the app server; a reaped child's time counts through its
 * parent's cutime) plus the PostgreSQL backends of the bench database; everything else busy on
 * the machine is "others". Linux only (/proc); elsewhere nothing is reported.
 */

const TICKS = 100; // USER_HZ on Linux

interface Sample {
  at: number;
  busyTicks: number;
  oursTicks: number;
}

function readStat(pid: number): { ppid: number; ticks: number } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { ppid: Number(fields[1]), ticks };
  } catch {
    return null;
  }
}

function machineBusyTicks(): number {
  const [cpu] = fs.readFileSync("/proc/stat", "utf8").split("\n");
  const [, user, nice, system, , , irq, softirq, steal] = cpu.trim().split(/\s+/).map(Number);
  return user + nice + system + irq + softirq + steal;
}

async function sample(raw: RawClient): Promise<Sample> {
  const backends = await raw.query<{ pid: number }>("select pid from pg_stat_activity where datname = current_database()");
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const name of fs.readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat) stats.set(pid, stat);
  }
  const ours = new Set<number>([process.pid, ...backends.map((b) => Number(b.pid))]);
  // Descendants of this process, however deep.
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, stat] of stats) {
      if (!ours.has(pid) && ours.has(stat.ppid)) {
        ours.add(pid);
        grew = true;
      }
    }
  }
  let oursTicks = 0;
  for (const pid of ours) oursTicks += stats.get(pid)?.ticks ?? 0;
  return { at: Date.now(), busyTicks: machineBusyTicks(), oursTicks };
}

/** Start measuring; the returned function gives others' CPU as a percentage of the whole machine. */
export async function measureOthersCpu(raw: RawClient): Promise<() => Promise<number | undefined>> {
  if (process.platform !== "linux") return async () => undefined;
  const start = await sample(raw);
  return async () => {
    const end = await sample(raw);
    const capacity = ((end.at - start.at) / 1000) * TICKS * os.cpus().length;
    if (capacity <= 0) return undefined;
    const others = end.busyTicks - start.busyTicks - (end.oursTicks - start.oursTicks);
    return Math.max(0, Math.min(100, (others / capacity) * 100));
  };
}

/**
 * Wait (up to `maxMs`) until no autovacuum worker is busy on the bench database; returns the ms
 * waited. A set-up that wrote hundreds of thousands of rows leaves autovacuum and autoanalyze to
 * run right after it, and their backends count as ours (they are the bench database's), so a
 * scenario measured meanwhile would read slow with "others' CPU" near zero (a `--scale` run's
 * append-one right after list-page's set-up read 5,800 ev/s against 8,500 in full runs).
 */
export async function waitForAutovacuum(raw: RawClient, maxMs = 120_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const [row] = await raw.query<{ n: number | string }>(
      "select count(*) as n from pg_stat_activity where backend_type = 'autovacuum worker' and datname = current_database()",
    );
    if (Number(row?.n ?? 0) === 0 || Date.now() - started > maxMs) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
