// `npm run lint:layers`: the layer rules of .dependency-cruiser.cjs over the source folders.
// Fails when a rule is broken (naming the rule and the import) or when nothing was cruised
// (dependency-cruiser "passes" with 0 modules when it cannot parse TypeScript: STACK.md).
import { spawnSync } from "node:child_process";
import fs from "node:fs";

const dirs = ["app", "components", "lib", "db", "scripts", "bench", "services", "e2e"].filter((d) => fs.existsSync(d));
const run = spawnSync(
  process.execPath,
  ["node_modules/dependency-cruiser/bin/dependency-cruise.mjs", ...dirs, "--config", ".dependency-cruiser.cjs", "--output-type", "json"],
  { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
);
if (!run.stdout) {
  console.error(run.stderr || "dependency-cruiser printed nothing");
  process.exit(1);
}
const { summary } = JSON.parse(run.stdout);
const rules = new Map((summary.ruleSetUsed?.forbidden ?? []).map((r) => [r.name, r.comment]));
for (const v of summary.violations) {
  const path = v.cycle ? v.cycle.map((c) => c.name ?? c).join(" → ") : `${v.from} → ${v.to}`;
  console.error(`✗ ${v.rule.name}: ${path}\n    ${rules.get(v.rule.name) ?? ""}`);
}
if (summary.totalCruised === 0) {
  console.error("✗ dependency-cruiser cruised 0 modules: TypeScript was not parsed, so no rule was checked");
  process.exit(1);
}
const errors = summary.violations.filter((v) => v.rule.severity === "error").length;
console.log(`layer rules: ${summary.totalCruised} modules, ${summary.totalDependenciesCruised} imports, ${errors} violation(s)`);
process.exit(errors ? 1 : 0);
