import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { ACTION_RULES, ROUTE_RULES } from "./rules";

// Access is declared in one table (rules.ts) and enforced by guardRoute / authorizeAction. These
// tests read the source tree, so a new route file or a new server action without a rule fails
// here before it can ship.

const root = process.cwd();
const walk = (dir: string, match: (file: string) => boolean): string[] =>
  fs.existsSync(dir)
    ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? walk(full, match) : match(full) ? [full] : [];
      })
    : [];

const HTTP_METHODS = "GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS";

describe("every API route declares who may call it", () => {
  const routeFiles = walk(path.join(root, "app", "api"), (f) => /route\.tsx?$/.test(f));
  const routeOf = (file: string) => "/" + path.relative(path.join(root, "app"), path.dirname(file)).split(path.sep).join("/");

  it("finds the route files", () => assert.ok(routeFiles.length >= 15, `found ${routeFiles.length}`));

  for (const file of routeFiles) {
    const source = fs.readFileSync(file, "utf8");
    const route = routeOf(file);
    it(`${route}: each exported method is guardRoute("<METHOD> ${route}")`, () => {
      const exported = [...source.matchAll(new RegExp(`export\\s+(?:const|async\\s+function|function)\\s+(${HTTP_METHODS})\\b`, "g"))].map((m) => m[1]);
      assert.ok(exported.length > 0, "no HTTP method exported");
      for (const method of exported) {
        const name = `${method} ${route}`;
        assert.ok(name in ROUTE_RULES, `${name} has no rule in lib/auth/rules.ts ROUTE_RULES`);
        const wrapped = new RegExp(`export\\s+const\\s+${method}\\s*=\\s*guardRoute\\(\\s*"${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}"`);
        assert.match(source, wrapped, `${name} must be exported as guardRoute("${name}", …)`);
      }
    });
  }

  it("has no rule for a route that does not exist", () => {
    const declared = new Set(
      routeFiles.flatMap((f) => [...fs.readFileSync(f, "utf8").matchAll(/guardRoute\(\s*"([^"]+)"/g)].map((m) => m[1])),
    );
    assert.deepEqual(Object.keys(ROUTE_RULES).filter((k) => !declared.has(k)), []);
  });
});

describe("every server action declares who may call it", () => {
  const serverFiles = [...walk(path.join(root, "app"), (f) => /\.tsx?$/.test(f)), ...walk(path.join(root, "lib"), (f) => /\.tsx?$/.test(f))].filter((f) =>
    /^\s*["']use server["']/.test(fs.readFileSync(f, "utf8")),
  );
  const actions = serverFiles.flatMap((file) => {
    const source = fs.readFileSync(file, "utf8");
    return [...source.matchAll(/export\s+(?:async\s+function\s+(\w+)|const\s+(\w+)\s*=)/g)].map((m) => {
      const name = m[1] ?? m[2];
      const body = source.slice(m.index!, m.index! + 600);
      return { file: path.relative(root, file), name, body };
    });
  });

  it("finds the actions", () => assert.ok(actions.length >= 3, `found ${actions.length}`));

  for (const action of actions) {
    it(`${action.file}: ${action.name} starts with authorizeAction("${action.name}")`, () => {
      assert.ok(action.name in ACTION_RULES, `${action.name} has no rule in lib/auth/rules.ts ACTION_RULES`);
      const firstStatement = /\)\s*(?::\s*[^{]+)?\{\s*(?:const\s+(?:\w+|\{[^}]*\})\s*=\s*)?await\s+authorizeAction\(\s*"(\w+)"\s*\)/.exec(action.body);
      assert.equal(firstStatement?.[1], action.name, `the first statement of ${action.name} must be await authorizeAction("${action.name}")`);
    });
  }

  it("has no rule for an action that does not exist", () => {
    const names = new Set(actions.map((a) => a.name));
    assert.deepEqual(Object.keys(ACTION_RULES).filter((k) => !names.has(k)), []);
  });
});
