import fs from "node:fs";
import path from "node:path";
import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";

/**
 * Shared e2e fixtures: every page fails its test on a console error or an uncaught exception,
 * and helpers create each test's own customer through the API.
 */
export const test = base.extend({
  context: async ({ context }, use) => {
    // Every page of the test, the default one and any opened with context.newPage().
    const errors: string[] = [];
    context.on("page", (page) => {
      page.on("console", (message) => {
        // A page whose own document is a deliberate 404/400 (asserted by its test) is not an error in the page.
        const documentStatus = message.text().startsWith("Failed to load resource: the server responded with a status of 4") && message.location().url === page.url();
        if (message.type() === "error" && !documentStatus) errors.push(`${page.url()} console.error: ${message.text()} ${message.location().url}`);
      });
      page.on("pageerror", (error) => errors.push(`${page.url()} pageerror: ${error.message}`));
    });
    await use(context);
    expect(errors, "no console errors in any page").toEqual([]);
  },
});

export { expect };

/** A name no other test (or run) uses. */
export function uniqueName(prefix: string): string {
  return `${prefix} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

export interface Address {
  street: string;
  city: string;
  region?: string;
  postalCode?: string;
  country?: string;
}

export interface Created {
  id: string;
  streamId: string;
  version: number;
  position: number;
}

/** Register a customer through the API (201) and return its ids. */
export async function createCustomer(request: APIRequestContext, name: string, address: Address): Promise<Created> {
  const response = await request.post("/api/customers", { data: { name, address } });
  expect(response.status(), await response.text()).toBe(201);
  return (await response.json()) as Created;
}

/** Wait until the read table has the customer at least at `version` (projections are async). */
export async function waitForRow(request: APIRequestContext, id: string, version = 1) {
  await expect
    .poll(async () => {
      const response = await request.get(`/api/customers/${id}`);
      if (response.status() !== 200) return 0;
      return ((await response.json()) as { version: number }).version;
    })
    .toBeGreaterThanOrEqual(version);
}

const ARTIFACTS = path.join(process.cwd(), "e2e", "artifacts");

/** Save a full-page screenshot at desktop width and at 375 px, named by database and page. */
export async function screenshots(page: Page, name: string) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const db = process.env.E2E_DB ?? "local";
  const original = page.viewportSize() ?? { width: 1280, height: 720 };
  for (const [label, size] of [
    ["desktop", { width: 1280, height: 800 }],
    ["375", { width: 375, height: 812 }],
  ] as const) {
    await page.setViewportSize(size);
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(ARTIFACTS, `${db}-${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
}
