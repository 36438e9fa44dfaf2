import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/*
 * axe on every page, in light and in dark mode: no serious or critical violation. Each page is
 * checked once its data has arrived (skeletons have other contrast than the content).
 */

type Ready = (page: Page) => Promise<void>;

const h1 = (name: string | RegExp): Ready => async (page) => {
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
};

async function customerId(page: Page): Promise<string> {
  const response = await page.request.get("/api/customers?status=active&limit=1");
  expect(response.status()).toBe(200);
  return ((await response.json()) as { items: { id: string }[] }).items[0].id;
}

const pages: { label: string; path: (page: Page) => Promise<string>; ready: Ready }[] = [
  {
    label: "dashboard",
    path: async () => "/",
    ready: async (page) => {
      await h1("Dashboard")(page);
      await expect(page.getByRole("list", { name: /Recent events/ })).toBeVisible();
    },
  },
  {
    label: "customer list",
    path: async () => "/customers",
    ready: async (page) => {
      await h1("Customers")(page);
      await expect(page.getByRole("row").nth(1)).toBeVisible();
    },
  },
  { label: "customer", path: async (page) => `/customers/${await customerId(page)}`, ready: h1(/\S/) },
  {
    label: "timeline",
    path: async (page) => `/customers/${await customerId(page)}/timeline?v=1`,
    ready: async (page) => {
      await expect(page.getByRole("slider", { name: "Version" })).toBeVisible();
      await expect(page.getByRole("region", { name: /^Version 1 of/ })).toBeVisible();
    },
  },
  {
    label: "event log",
    path: async () => "/events",
    ready: async (page) => {
      await h1("Events")(page);
      await expect(page.getByRole("list", { name: "Events, newest first" })).toBeVisible();
    },
  },
  {
    label: "projections",
    path: async () => "/projections",
    ready: async (page) => {
      await h1("Projections")(page);
      await expect(page.getByRole("row").filter({ hasText: "customer_list" })).toBeVisible();
    },
  },
  { label: "users", path: async () => "/admin/users", ready: h1(/Users/) },
];

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")}: ${n.failureSummary ?? ""}`) }));
}

for (const scheme of ["light", "dark"] as const) {
  test.describe(`axe, ${scheme} mode`, () => {
    for (const { label, path, ready } of pages) {
      test(`${label}: no serious or critical violation`, async ({ page }) => {
        await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
        await page.goto(await path(page));
        await ready(page);
        expect(await seriousViolations(page)).toEqual([]);
      });
    }

    test("customer with a conflict, a clash and the live warning: no serious or critical violation", async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
      const created = await page.request.post("/api/customers", { data: { name: `Axe Conflict ${Date.now()}`, address: { street: "1 Axe St", city: "Oslo" } } });
      expect(created.status()).toBe(201);
      const { id } = (await created.json()) as { id: string };
      await page.goto(`/customers/${id}`);
      await page.getByRole("textbox", { name: "Street" }).fill("2 Mine St");
      const theirs = await page.request.post(`/api/customers/${id}/address`, { data: { address: { street: "3 Theirs St", city: "Oslo" } } });
      expect(theirs.status()).toBe(200);
      await expect(page.getByRole("status").filter({ hasText: "Changed by" })).toBeVisible({ timeout: 10_000 });
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByRole("button", { name: "Save changes" }).click();
      await expect(page.getByRole("group", { name: "Street" })).toBeVisible();
      // The conflict refreshes the page: check once its document (title included) is whole again.
      await expect(page).toHaveTitle(/\S/);
      expect(await seriousViolations(page)).toEqual([]);
    });

    test("not found: no serious or critical violation", async ({ page }) => {
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
      await page.goto("/customers/01900000-0000-7000-8000-000000000000");
      await h1("Customer not found")(page);
      expect(await seriousViolations(page)).toEqual([]);
    });

    test.describe("signed out", () => {
      test.use({ storageState: { cookies: [], origins: [] } });
      test("login: no serious or critical violation", async ({ page }) => {
        await page.emulateMedia({ colorScheme: scheme, reducedMotion: "reduce" });
        await page.goto("/login");
        await h1("Sign in to Ledger")(page);
        expect(await seriousViolations(page)).toEqual([]);
      });
    });
  });
}
