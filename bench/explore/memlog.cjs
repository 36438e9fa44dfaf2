// Preload (NODE_OPTIONS="--require ./bench/explore/memlog.cjs"): with MEMLOG_FILE set, append the
// process's memory every 500 ms as a JSON line: process.memoryUsage() and V8's heap spaces (MB).
if (process.env.MEMLOG_FILE) {
  const fs = require("node:fs");
  const v8 = require("node:v8");
  const mb = (n) => Math.round(n / 104857.6) / 10;
  setInterval(() => {
    const m = process.memoryUsage();
    const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, [mb(s.space_used_size), mb(s.space_size)]]));
    const line = { pid: process.pid, t: Date.now(), rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), spaces };
    fs.appendFileSync(process.env.MEMLOG_FILE, `${JSON.stringify(line)}\n`);
  }, 500).unref();
}
