import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { KEY_BYTES } from "./cipher";

/** Where the generated master key lives when LEDGER_MASTER_KEY is unset. Back it up (README). */
export const defaultMasterKeyFile = () => process.env.LEDGER_MASTER_KEY_FILE ?? path.join(process.cwd(), ".data", "master-key");

/** A master key from its base64 text; throws (without echoing it) unless it is 32 bytes. */
export function parseMasterKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== KEY_BYTES) throw new Error(`${source} must be ${KEY_BYTES} bytes, base64-encoded (got ${key.length} bytes)`);
  return key;
}

/**
 * The master key that wraps every data key: LEDGER_MASTER_KEY (32 bytes, base64) when set; else
 * the key file, generated on first use with mode 0600. Losing it loses every customer's personal
 * data, which is why the README says to back it up.
 */
export function loadMasterKey(env: NodeJS.ProcessEnv = process.env, file = defaultMasterKeyFile()): Buffer {
  if (env.LEDGER_MASTER_KEY) return parseMasterKey(env.LEDGER_MASTER_KEY, "LEDGER_MASTER_KEY");
  if (existsSync(file)) return parseMasterKey(readFileSync(file, "utf8"), file);
  mkdirSync(path.dirname(file), { recursive: true });
  const key = randomBytes(KEY_BYTES);
  // wx: never overwrite a key another process wrote meanwhile; then read that one.
  try {
    writeFileSync(file, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return parseMasterKey(readFileSync(file, "utf8"), file);
    throw error;
  }
  chmodSync(file, 0o600);
  console.warn(`[ledger] generated a master key in ${file}: back it up; without it no personal data can be read`);
  return key;
}
