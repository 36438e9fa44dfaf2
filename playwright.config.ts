import { defineConfig } from "@playwright/test";
import { chromiumPath } from "./scripts/chromium.mjs";

/**
 * Run through `npm run test:e2e` (scripts/e2e.mjs), which builds the app, starts it on a fresh
 * database and sets BASE_URL. Running `npx playwright test` directly needs BASE_URL set.
 */
export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 45_000,
  expect: { timeout: 8_000 },
  projects: [
    { name: "setup", testMatch: /auth\.setup\.ts/ },
    // Every other test runs signed in as the admin unless it picks another role's storage state.
    { name: "signed-in", testIgnore: /auth\.setup\.ts/, dependencies: ["setup"], use: { storageState: "test-results/.auth/admin.json" } },
  ],
  reporter: [["list"], ["json", { outputFile: process.env.E2E_JSON_REPORT ?? "test-results/e2e-report.json" }]],
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumPath() ?? undefined,
      args: [
        "--no-sandbox",
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
});
