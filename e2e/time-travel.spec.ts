import type { APIRequestContext, Page } from "@playwright/test";
import { createCustomer, expect, screenshots, test, uniqueName, waitForRow } from "./fixtures";

/**
 * The register as of a moment: scrub /customers back with its date control, open a past row's
 * timeline at the version current then, and "go to date" on the timeline.
 */

interface ApiEvent {
  version: number;
  timestamp: string;
}

async function eventsOf(request: APIRequestContext, streamId: string): Promise<ApiEvent[]> {
  const response = await request.get(`/api/streams/${streamId}/events`);
  expect(response.status()).toBe(200);
  return ((await response.json()) as { events: ApiEvent[] }).events;
}

/** Wait (politely) until the wall clock is in a later second than `iso`: the date control is to the second. */
async function nextSecondAfter(iso: string) {
  const next = Math.floor(new Date(iso).getTime() / 1000) * 1000 + 1000;
  while (Date.now() < next + 50) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** The datetime-local value of an instant, in the browser's own zone. */
const localValue = (page: Page, iso: string) =>
  page.evaluate((at) => {
    const d = new Date(at);
    const p = (n: number) => String(n).padStart(2, "0");
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  }, iso);

test.describe("time travel", () => {
  test("scrub the list back with the date control, then open a past row's timeline at the version current then", async ({ page, request }) => {
    const name = uniqueName("Tara Travel");
    const token = name.split(" ").pop()!;
    const created = await createCustomer(request, name, { street: "1 Old Lane", city: "Yesterdam" });
    const [registered] = await eventsOf(request, created.streamId);
    await nextSecondAfter(registered.timestamp);
    const rename = await request.post(`/api/customers/${created.id}/rename`, { data: { name: `${name} Today` } });
    expect(rename.status(), await rename.text()).toBe(200);
    const move = await request.post(`/api/customers/${created.id}/address`, { data: { address: { street: "2 New Road", city: "Nowhaven" } } });
    expect(move.status(), await move.text()).toBe(200);
    await waitForRow(request, created.id, 3);
    const events = await eventsOf(request, created.streamId);

    await page.goto(`/customers?q=${encodeURIComponent(token)}`);
    const row = page.getByRole("row").filter({ hasText: token });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(`${name} Today`);
    await expect(row).toContainText("Nowhaven");
    await expect(page.getByText("Viewing the register as of")).toHaveCount(0);
    // Sortable columns: the sort goes in the URL; a second click reverses it.
    await page.getByRole("link", { name: /^City\s*,\s*sort ascending/ }).click();
    await expect(page).toHaveURL(/sort=city/);
    await expect(page.getByRole("columnheader", { name: /^City/ })).toHaveAttribute("aria-sort", "ascending");
    await page.getByRole("link", { name: /^City\s*,\s*sort descending/ }).click();
    await expect(page).toHaveURL(/sort=-city/);
    await expect(page.getByRole("columnheader", { name: /^City/ })).toHaveAttribute("aria-sort", "descending");
    await expect(row).toHaveCount(1);

    // Back to the second of the registration: the name and city of then, at v1.
    await page.getByLabel("As of").fill(await localValue(page, registered.timestamp));
    await expect(page).toHaveURL(/asOf=/);
    await expect(page.getByText("Viewing the register as of")).toBeVisible();
    // The list keeps showing the previous rows until the as-of page has arrived (slow on a loaded
    // machine with PGlite): a longer wait than the default for the first past row.
    await expect(row).not.toContainText("Today", { timeout: 20_000 });
    await expect(row).toContainText(name);
    await expect(row).toContainText("Yesterdam");
    await expect(row.getByRole("link", { name: /^v1/ })).toBeVisible();
    // City choices and filters are those of then.
    await expect(page.getByLabel("City").locator("option", { hasText: "Yesterdam" })).toHaveCount(1);
    await page.getByLabel("City").selectOption("Yesterdam");
    await expect(page).toHaveURL(/city=Yesterdam/);
    await expect(row).toHaveCount(1);
    await screenshots(page, "customers-as-of");

    // A moment before the registration: not there yet.
    const before = new Date(new Date(registered.timestamp).getTime() - 2000).toISOString();
    await page.getByLabel("As of").fill(await localValue(page, before));
    await expect(page.getByText(/No customers/)).toBeVisible();

    // Forward again, then open the past row's timeline: it lands on v1.
    await page.getByLabel("As of").fill(await localValue(page, registered.timestamp));
    await expect(row).toHaveCount(1);
    await row.getByRole("link", { name: /^v1/ }).click();
    await expect(page).toHaveURL(new RegExp(`/customers/${created.id}/timeline\\?v=1$`));
    const slider = page.getByRole("slider", { name: "Version" });
    await expect(slider).toHaveAttribute("aria-valuenow", "1");

    // Go to date: the last version at or before the second of the move (v3).
    await page.getByLabel("Go to date").fill(await localValue(page, events[2].timestamp));
    await page.getByRole("button", { name: "Go", exact: true }).click();
    await expect(slider).toHaveAttribute("aria-valuenow", "3");
    await expect(page).toHaveURL(/\?v=3/);
    // What-if at v1: renaming to the name it really got next is "exactly this"; nothing is saved.
    await page.goto(`/customers/${created.id}/timeline?v=1`);
    await page.getByText("Try a command here (at v1)").click();
    await page.getByLabel("New name").fill(`${name} Today`);
    await page.getByRole("button", { name: "Try at v1" }).click();
    const result = page.getByRole("region", { name: "What-if result" });
    await expect(result).toContainText("Would append 1 event");
    await expect(result).toContainText("CustomerRenamed");
    await expect(result).toContainText("exactly this");
    await page.getByLabel("Command", { exact: true }).selectOption("ArchiveCustomer");
    await page.getByRole("button", { name: "Try at v1" }).click();
    await expect(result).toContainText("something else");
    expect((await eventsOf(request, created.streamId)).length, "what-if appends nothing").toBe(3);
    await page.getByLabel("Go to date").fill(await localValue(page, events[2].timestamp));
    await page.getByRole("button", { name: "Go", exact: true }).click();
    await expect(slider).toHaveAttribute("aria-valuenow", "3");

    // Copy as test: v2–v3 as a given/when/then case.
    await page.getByText("Copy as test", { exact: true }).first().click();
    await page.getByRole("spinbutton", { name: "From version" }).fill("2");
    await page.getByRole("spinbutton", { name: "To version" }).fill("3");
    await page.getByRole("button", { name: "Copy as test" }).click();
    const generated = page.getByLabel("Generated test");
    await expect(generated).toContainText("DeciderSpecification");
    await expect(generated).toContainText('"type": "RenameCustomer"');
    await expect(generated).toContainText('"type": "ChangeCustomerAddress"');
    await expect(generated).toContainText(".then(expected)");

    // Before the customer existed: said so, and the timeline stays.
    await page.getByLabel("Go to date").fill(await localValue(page, before));
    await page.getByRole("button", { name: "Go", exact: true }).click();
    await expect(page.getByText(/no version yet/)).toBeVisible();
    await expect(slider).toHaveAttribute("aria-valuenow", "3");

    // And back to the present from the list's banner.
    await page.goto(`/customers?q=${encodeURIComponent(token)}&asOf=${encodeURIComponent(registered.timestamp)}`);
    await page.getByRole("link", { name: "Back to now" }).click();
    await expect(page).not.toHaveURL(/asOf=/);
    await expect(row).toContainText(`${name} Today`);
  });

  test("the API answers as of a moment, and refuses a bad asOf with words", async ({ request }) => {
    const name = uniqueName("Ursa Then");
    const created = await createCustomer(request, name, { street: "3 First St", city: "Thenford" });
    const [registered] = await eventsOf(request, created.streamId);
    await nextSecondAfter(registered.timestamp);
    expect((await request.post(`/api/customers/${created.id}/archive`, { data: {} })).status()).toBe(200);
    await waitForRow(request, created.id, 2);

    const token = name.split(" ").pop()!;
    const then = await request.get(`/api/customers?q=${token}&asOf=${encodeURIComponent(registered.timestamp)}`);
    expect(then.status()).toBe(200);
    const items = ((await then.json()) as { items: { status: string; version: number }[] }).items;
    expect(items.map((i) => [i.status, i.version])).toEqual([["active", 1]]);
    const cities = await request.get(`/api/stats/cities?asOf=${encodeURIComponent(registered.timestamp)}`);
    expect(((await cities.json()) as { cities: { city: string; active: number }[] }).cities.find((c) => c.city === "Thenford")?.active).toBe(1);

    // Export CSV of the same view: every row, as of then too.
    const csv = await request.get(`/api/customers/export?q=${token}&asOf=${encodeURIComponent(registered.timestamp)}`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("id,name,street,postalCode,city,region,country,email,phone,status,erased,version,registeredAt,updatedAt");
    expect(lines.slice(1).map((line) => line.split(",")[9])).toEqual(["active"]);
    expect((await request.get("/api/customers/export?asOf=soon")).status()).toBe(400);

    const bad = await request.get("/api/customers?asOf=last%20tuesday");
    expect(bad.status()).toBe(400);
    const body = (await bad.json()) as { error: { code: string; fieldErrors: Record<string, string[]> } };
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.fieldErrors.asOf[0]).toMatch(/ISO 8601/);
    const at = await request.get(`/api/streams/${created.streamId}/state?at=${encodeURIComponent(registered.timestamp)}`);
    expect(((await at.json()) as { version: number }).version).toBe(1);
  });

  test("the drift check: Verify on /projections finds no drift in tables the projectors built", async ({ page, request }) => {
    await createCustomer(request, uniqueName("Vic Verify"), { street: "5 Check St", city: "Trueville" });
    const api = await request.post("/api/projections/customer_history/verify", { data: {} });
    expect(api.status(), await api.text()).toBe(200);
    expect(((await api.json()) as { mismatchCount: number }).mismatchCount).toBe(0);
    expect((await request.post("/api/projections/nope/verify", { data: {} })).status()).toBe(404);
    expect((await request.post("/api/projections/customer_list/verify", { data: { sample: 0 } })).status()).toBe(400);

    await page.goto("/projections");
    await page.getByRole("button", { name: "Verify customer_list" }).click();
    const report = page.getByRole("region", { name: "Drift check of customer_list" });
    await expect(report).toContainText("no drift");
    await screenshots(page, "projections-drift-check");
  });
});
