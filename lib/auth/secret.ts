import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * The secret Better Auth signs cookies with. Without one every auth route answers 500 (STACK.md),
 * so a first start with no BETTER_AUTH_SECRET makes one in ./.data/auth-secret (mode 0600) and
 * keeps it. Several app processes on other machines must share BETTER_AUTH_SECRET instead.
 */
export function authSecret(env: NodeJS.ProcessEnv = process.env): string {
  if (env.BETTER_AUTH_SECRET) return env.BETTER_AUTH_SECRET;
  const file = env.LEDGER_SECRET_FILE ?? path.join(process.cwd(), ".data", "auth-secret");
  try {
    return fs.readFileSync(file, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const secret = crypto.randomBytes(32).toString("base64url");
  try {
    fs.writeFileSync(file, secret + "\n", { mode: 0o600, flag: "wx" });
    return secret;
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(file, "utf8").trim();
    throw error;
  }
}
