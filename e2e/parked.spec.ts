import fs from "node:fs";
import type { APIRequestContext, Page } from "@playwright/test";
import { createCustomer, expect, test, uniqueName, waitForRow } from "./fixtures";
import { ADMIN, storageStateOf } from "./users";

/*
 * Parked (dead-letter) events on /projections, in the browser. A projection that keeps failing on
 * an event parks it; here the failure is the app's test hook (lib/projections/test-poison.ts):
 * while LEDGER_TEST_POISON_FILE exists, customer_list throws on the customer named in it.
 * Deleting the file is "the fix". The admin retries one parked event (before and after the fix)
 * and skips another; the page records who did it. A viewer sees neither button, and the API
 * refuses them.
 */

const poisonFile = process.env.LEDGER_TEST_POISON_FILE;

interface Parked {
  checkpoint: string;
  position: number;
  state: "parked" | "waiting";
  error: string | null;
}

async function parkedList(request: APIRequestContext): Promise<Parked[]> {
  const response = await request.get("/api/projections/parked");
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()) as Parked[];
}

/** Wait until customer_list has parked the event at `position` (after its retries, ~8 s). */
async function waitParked(request: APIRequestContext, position: number) {
  await expect
    .poll(async () => (await parkedList(request)).find((p) => p.checkpoint === "customer_list" && p.position === position)?.state, {
      timeout: 40_000,
    })
    .toBe("parked");
}

const parkedRow = (page: Page, position: number) =>
  page.getByRole("region", { name: "Parked events", exact: true }).getByRole("row").filter({ has: page.getByRole("cell", { name: String(position), exact: true }) });
const resolvedRow = (page: Page, position: number) => page.getByTestId(`resolved-${position}`);

test.describe("parked events", () => {
  test.skip(!poisonFile, "needs LEDGER_TEST_POISON_FILE (scripts/e2e.mjs sets it)");
  test.afterEach(() => fs.rmSync(poisonFile!, { force: true }));

  test("the admin retries after the fix and skips, recorded by name; a viewer may do neither", async ({ page, request, browser }) => {
    test.setTimeout(150_000);
    const city = uniqueName("Poisonville");
    const at = (street: string) => ({ street, city });

    // A customer customer_list cannot project, a later rename of it, and a healthy customer.
    const poisoned = uniqueName("Poison Retry");
    fs.writeFileSync(poisonFile!, poisoned);
    const first = await createCustomer(request, poisoned, at("1 Parked Rd"));
    const healthyName = uniqueName("Healthy");
    const healthy = await createCustomer(request, healthyName, at("2 Parked Rd"));
    const rename = await request.post(`/api/customers/${first.id}/rename`, { data: { name: `${poisoned} Renamed` } });
    expect(rename.status(), await rename.text()).toBe(200);
    const renamedAt = ((await rename.json()) as { position: number }).position;
    await waitParked(request, first.position);
    // Other streams go on; the poisoned stream's later event waits behind it.
    await waitForRow(request, healthy.id);
    expect((await request.get(`/api/customers/${first.id}`)).status()).toBe(404);
    await expect.poll(async () => (await parkedList(request)).find((p) => p.position === renamedAt)?.state).toBe("waiting");

    await page.goto("/projections");
    const parked = parkedRow(page, first.position);
    await expect(parked).toContainText("CustomerRegistered");
    await expect(parked).toContainText(/parked after \d+ attempts: test poison/);
    await expect(parkedRow(page, renamedAt)).toContainText("waiting behind its stream's parked event");
    await expect(page.getByRole("button", { name: `Retry event ${renamedAt}` })).toHaveCount(0);

    // Retry before the fix: it fails again and stays parked.
    await page.getByRole("button", { name: `Retry event ${first.position}` }).click();
    await expect(page.getByRole("status").filter({ hasText: `Event #${first.position} failed again: test poison` })).toBeVisible();
    await expect(parkedRow(page, first.position)).toBeVisible();

    // The fix, then Retry: the registration and the rename behind it are applied, in order.
    fs.rmSync(poisonFile!);
    await page.getByRole("button", { name: `Retry event ${first.position}` }).click();
    await expect(page.getByRole("status").filter({ hasText: "Applied 2 events." })).toBeVisible();
    await expect(parkedRow(page, first.position)).toHaveCount(0);
    await expect(parkedRow(page, renamedAt)).toHaveCount(0);
    for (const position of [first.position, renamedAt]) {
      await expect(resolvedRow(page, position)).toContainText(`Retried by ${ADMIN.name} (${ADMIN.email})`);
    }
    await page.goto(`/customers?city=${encodeURIComponent(city)}`);
    await expect(page.getByRole("row").filter({ hasText: `${poisoned} Renamed` })).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: healthyName })).toBeVisible();

    // Another poisoned customer, to be skipped.
    const skipped = uniqueName("Poison Skip");
    fs.writeFileSync(poisonFile!, skipped);
    const second = await createCustomer(request, skipped, at("3 Parked Rd"));
    await waitParked(request, second.position);

    // A viewer sees the parked event, but neither button, and the API refuses both.
    const viewer = await browser.newContext({ storageState: storageStateOf("viewer") });
    try {
      const viewerPage = await viewer.newPage();
      await viewerPage.goto("/projections");
      await expect(parkedRow(viewerPage, second.position)).toContainText("CustomerRegistered");
      await expect(viewerPage.getByRole("button", { name: /^(Retry|Skip) event/ })).toHaveCount(0);
      await expect(viewerPage.getByTestId("user-menu")).toContainText("viewer");
      for (const action of ["retry", "skip"]) {
        const refused = await viewerPage.request.post(`/api/projections/customer_list/parked/${second.position}/${action}`, { data: {} });
        expect(refused.status(), await refused.text()).toBe(403);
      }
    } finally {
      await viewer.close();
    }
    expect((await parkedList(request)).find((p) => p.position === second.position)?.state).toBe("parked");

    // The admin skips it: never applied, gone from the parked list, recorded with the admin's name.
    await page.goto("/projections");
    await page.getByRole("button", { name: `Skip event ${second.position}` }).click();
    await expect(page.getByRole("status").filter({ hasText: "Applied 0 events." })).toBeVisible();
    await expect(parkedRow(page, second.position)).toHaveCount(0);
    await expect(resolvedRow(page, second.position)).toContainText(`Skipped by ${ADMIN.name} (${ADMIN.email})`);
    expect((await request.get(`/api/customers/${second.id}`)).status()).toBe(404);
  });
});
