import { createCustomer, expect, test, uniqueName } from "./fixtures";

/**
 * Issue 18, items 5 and 7: the dashboard's activity chart opens the register as of the end of a
 * day, and each field on the customer page opens the timeline at the event that set it.
 */

test.describe("activity and provenance", () => {
  test("clicking today's activity bar opens the register as of the end of today", async ({ page, request }) => {
    const name = uniqueName("Ava Activity");
    const token = name.split(" ").pop()!;
    await createCustomer(request, name, { street: "3 Busy Street", city: "Chartham" });
    const today = new Date().toISOString().slice(0, 10);

    await page.goto("/");
    const activity = page.getByRole("region", { name: "Activity, last 30 days" });
    const bar = activity.getByRole("link", { name: new RegExp(`^${today}: \\d+ events?`) });
    await expect(bar).toHaveCount(1);
    await expect(activity.locator(`a[data-day="${today}"] title`)).toContainText(`${today}:`);
    await bar.click();
    await expect(page).toHaveURL(new RegExp(`/customers\\?asOf=${today}T23%3A59%3A59\\.999Z$`));
    await expect(page.getByText("Viewing the register as of")).toBeVisible();

    await page.goto(`/customers?asOf=${today}T23%3A59%3A59.999Z&q=${encodeURIComponent(token)}`);
    await expect(page.getByRole("row").filter({ hasText: token })).toHaveCount(1);
  });

  test("clicking the city on the customer page opens the timeline at the version that set it, the field pinned", async ({ page, request }) => {
    const name = uniqueName("Wyatt Why");
    const created = await createCustomer(request, name, { street: "1 First Street", city: "Oldtown" });
    const move = await request.post(`/api/customers/${created.id}/address`, { data: { address: { street: "1 First Street", city: "Cambridge" } } });
    expect(move.status(), await move.text()).toBe(200);
    const rename = await request.post(`/api/customers/${created.id}/rename`, { data: { name: `${name} Jr` } });
    expect(rename.status(), await rename.text()).toBe(200);

    await page.goto(`/customers/${created.id}`);
    // The name was set at v3 (the rename), the street at v1 (the move kept it), the city at v2.
    await expect(page.getByRole("link", { name: "why? v3 (the name, set by CustomerRenamed)" })).toBeVisible();
    await expect(page.getByRole("link", { name: "why? v1 (the street, set by CustomerRegistered)" })).toBeVisible();
    await page.getByRole("link", { name: "why? v2 (the city, set by CustomerAddressUpdated)" }).click();
    await expect(page).toHaveURL(new RegExp(`/customers/${created.id}/timeline\\?v=2&tab=why&field=address\\.city$`));
    await expect(page.getByRole("slider", { name: "Version" })).toHaveAttribute("aria-valuenow", "2");
    const pin = page.getByRole("button", { name: "Unpin address.city" });
    await expect(pin).toHaveAttribute("aria-pressed", "true");
    await expect(page.locator('li[data-field="address.city"]')).toContainText("Cambridge");
  });
});
