// Summarise a V8 .cpuprofile (node --cpu-prof): self time by function and by package/area.
//   node bench/explore/cpuprofile-top.mjs <file.cpuprofile> [top=25]
// A process with more than one thread (tsx's loader, a worker) writes one file per thread: a
// glob then names several files, and only the first (the main thread's, by its name) is read.
import fs from "node:fs";

const args = process.argv.slice(2);
const numeric = args.filter((a) => /^\d+$/.test(a));
const files = args.filter((a) => !/^\d+$/.test(a));
if (files.length === 0) throw new Error("usage: cpuprofile-top.mjs <file.cpuprofile> [top=25]");
if (files.length > 1) console.log(`reading ${files[0]} (of ${files.length} files given)`);
const file = files[0];
const profile = JSON.parse(fs.readFileSync(file, "utf8"));
const top = Number(numeric[0] ?? 25);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map();
const deltas = profile.timeDeltas;
for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (deltas[i] ?? 0));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const area = (url) => {
  if (!url) return "(native/vm)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith("node:")) return "node:internal";
  const own = /\/(lib|bench|db)\/(.*)$/.exec(url);
  return own ? `${own[1]}/${own[2].split("/").slice(0, -1).join("/") || "."}` : url;
};
const fns = new Map();
const areas = new Map();
for (const [id, us] of self) {
  const n = byId.get(id);
  const cf = n.callFrame;
  const key = `${cf.functionName || "(anonymous)"} ${cf.url ? cf.url.split("/").slice(-2).join("/") : ""}:${cf.lineNumber + 1}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  const a = cf.url ? area(cf.url) : cf.functionName.startsWith("(") ? cf.functionName : "(native/vm)";
  areas.set(a, (areas.get(a) ?? 0) + us);
}
const show = (map, n) =>
  [...map].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([k, us]) => console.log(`${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`));
console.log(`total sampled ${(total / 1000).toFixed(0)} ms\n-- by area`);
show(areas, 15);
console.log("-- by function (self)");
show(fns, top);
