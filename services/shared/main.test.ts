import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { it } from "node:test";
import { bearerMatches } from "./http";
import { loadServiceToken } from "./main";

it("the service token: made once (owner-only file) and reused; SERVICE_TOKEN wins; its value never logged", () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "service-token-")), "nested", "service-token");
  const logged: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void logged.push(args.join(" "));
  try {
    const first = loadServiceToken({} as NodeJS.ProcessEnv, file, "orders");
    assert.ok(first.length >= 40);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(loadServiceToken({} as NodeJS.ProcessEnv, file, "payments"), first, "the second service reads the same token");
    const given = "a-service-token-of-enough-length";
    assert.equal(loadServiceToken({ SERVICE_TOKEN: given } as unknown as NodeJS.ProcessEnv, file, "orders"), given);
    assert.ok(logged.some((line) => line.includes(file)));
    assert.ok(!logged.some((line) => line.includes(first)), "the token's value was logged");
  } finally {
    console.log = original;
  }
});

it("a SERVICE_TOKEN shorter than 24 characters stops the service with exit 2 and says why", () => {
  const code = `import("${path.resolve("services/shared/main.ts")}").then((m) => m.loadServiceToken({ SERVICE_TOKEN: "short" }, "/nonexistent", "orders"))`;
  const result = spawnSync(process.execPath, ["--import", "tsx", "-e", code], { encoding: "utf8", timeout: 30_000 });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /SERVICE_TOKEN must be at least 24 characters/);
});

it("bearerMatches: only `Bearer <the token>`", () => {
  assert.equal(bearerMatches("Bearer s3cret-token", "s3cret-token"), true);
  assert.equal(bearerMatches("bearer s3cret-token", "s3cret-token"), true);
  for (const header of [undefined, "", "s3cret-token", "Bearer s3cret-tokeN", "Bearer s3cret-token extra", "Basic s3cret-token", "Bearer "]) {
    assert.equal(bearerMatches(header, "s3cret-token"), false, String(header));
  }
});
