// Where the browser for Playwright is: CHROMIUM_PATH, Debian's /usr/bin/chromium, or
// Playwright's own download. Null when there is none.
import fs from "node:fs";
import { createRequire } from "node:module";

export function chromiumPath() {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  for (const candidate of candidates) if (candidate && fs.existsSync(candidate)) return candidate;
  try {
    const require = createRequire(import.meta.url);
    const { chromium } = require("@playwright/test");
    const own = chromium.executablePath();
    if (own && fs.existsSync(own)) return own;
  } catch {
    /* no Playwright browser installed */
  }
  return null;
}

export const NO_CHROMIUM_MESSAGE =
  "No Chromium found for the browser tests. Either install Debian's package (`apt-get install -y chromium`, " +
  "found at /usr/bin/chromium) or set CHROMIUM_PATH to a Chromium binary, or install Playwright's own browser " +
  "with `npx playwright install chromium` where the network allows it.";
