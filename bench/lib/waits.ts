import postgres from "postgres";

/**
 * `--waits`: what the bench database's sessions are doing, sampled from pg_stat_activity every
 * few milliseconds during a scenario. A cheap answer to "where does the time go" on a server
 * without pg_stat_statements: a session is either waiting (lock, WAL flush, I/O…), running
 * ("CPU"), or idle in a transaction waiting for the client ("client: idle in transaction").
 */
export class WaitSampler {
  private readonly sql;
  private counts = new Map<string, number>();
  private samples = 0;
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  constructor(
    url: string,
    private readonly database: string,
  ) {
    this.sql = postgres(url, { max: 1, onnotice: () => {} });
  }

  start(intervalMs = 5): void {
    this.counts = new Map();
    this.samples = 0;
    this.timer = setInterval(() => void this.sample(), intervalMs);
  }

  private async sample() {
    if (this.busy) return;
    this.busy = true;
    try {
      const rows = await this.sql<{ state: string; wait: string | null; query: string }[]>`
        select state, wait_event_type || ':' || wait_event as wait, left(regexp_replace(query, '\\s+', ' ', 'g'), 60) as query
        from pg_stat_activity
        where datname = ${this.database} and pid <> pg_backend_pid() and backend_type = 'client backend'
          and state <> 'idle'`;
      this.samples++;
      for (const row of rows) {
        const what =
          row.state === "idle in transaction" ? "client: idle in transaction" : row.wait && !row.wait.startsWith("Client:") ? row.wait : "CPU (running)";
        const key = `${what} · ${row.query}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      }
    } catch {
      /* the database went away: the scenario will say why */
    } finally {
      this.busy = false;
    }
  }

  /** Stop and return the top entries: average number of sessions in each state per sample. */
  stop(top = 10): { what: string; sessions: number }[] {
    clearInterval(this.timer);
    return [...this.counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([what, n]) => ({ what, sessions: n / Math.max(1, this.samples) }));
  }

  close() {
    return this.sql.end({ timeout: 2 });
  }
}
