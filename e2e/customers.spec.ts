import type { Page } from "@playwright/test";
import { createCustomer, expect, screenshots, test, uniqueName, waitForRow } from "./fixtures";
import { ADMIN } from "./users";

/** A city nobody else uses, so a city filter shows exactly this test's customers. */
const uniqueCity = (prefix: string) => uniqueName(prefix).replace(" ", "-");

const registerForm = (page: Page) => page.getByRole("complementary", { name: "Register a customer" });

test.describe("customers", () => {
  test("register a customer and find them in the list under their city", async ({ page }) => {
    const name = uniqueName("Grace Hopper");
    const city = uniqueCity("Arlington");
    await page.goto("/customers");
    await expect(page).toHaveTitle(/Customers · Ledger/);
    const form = registerForm(page);
    await form.getByLabel(/^Name/).fill(name);
    await form.getByLabel("Street").fill("1 Navy Way");
    await form.getByLabel("City").fill(city);
    await form.getByLabel("Country").fill("US");
    await form.getByRole("button", { name: "Register" }).click();
    await expect(form.getByText(`Registered ${name}`)).toBeVisible();
    // The form is ready for the next customer.
    await expect(form.getByLabel(/^Name/)).toHaveValue("");

    await page.getByRole("search", { name: "Filter customers" }).getByLabel("City").selectOption(city);
    await expect(page).toHaveURL(new RegExp(`city=${encodeURIComponent(city).replace(/%20/g, "\\+")}`));
    const rows = page.getByRole("table", { name: /Customers/ }).getByRole("row");
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(1)).toContainText(name);
    await expect(rows.nth(1)).toContainText(city);
    await expect(rows.nth(1).getByRole("link", { name: /^v1 timeline of/ })).toHaveAttribute("href", /\/timeline\?v=1$/);
  });

  test("a row new or changed since the list last drew it is highlighted briefly, and only that row", async ({ page, request }) => {
    const city = uniqueCity("Glowville");
    const first = uniqueName("Ada Glow");
    const { id } = await createCustomer(request, first, { street: "1 Glow St", city });
    await waitForRow(request, id);
    await page.goto(`/customers?city=${encodeURIComponent(city)}`);
    const table = page.getByRole("table", { name: /Customers/ });
    const rowOf = (name: string) => table.getByRole("row").filter({ hasText: name });
    await expect(rowOf(first)).toBeVisible();
    // Drawn for the first time: nothing is new.
    await expect(rowOf(first)).not.toHaveAttribute("data-changed");

    const second = uniqueName("Bea Glow");
    const form = registerForm(page);
    await form.getByLabel(/^Name/).fill(second);
    await form.getByLabel("Street").fill("2 Glow St");
    await form.getByLabel("City").fill(city);
    await form.getByLabel("Country").fill("GB");
    await form.getByRole("button", { name: "Register" }).click();
    await expect(rowOf(second)).toHaveAttribute("data-changed", "");
    await expect(rowOf(first)).not.toHaveAttribute("data-changed");

    // A change made elsewhere arrives live and is marked the same way.
    await request.post(`/api/customers/${id}/rename`, { data: { name: `${first} II` } });
    await expect(rowOf(`${first} II`)).toHaveAttribute("data-changed", "", { timeout: 10_000 });
    await expect(rowOf(second)).not.toHaveAttribute("data-changed");

    // Reduced motion: the tint holds and goes, without a fade.
    const timing = () => rowOf(`${first} II`).evaluate((row) => getComputedStyle(row).animationTimingFunction);
    expect(await timing()).toBe("ease-in");
    await page.emulateMedia({ reducedMotion: "reduce" });
    expect(await timing()).toMatch(/^(step-end|steps\(1(, end)?\))$/);
  });

  test("edit the address and see the new city in the list right after saving", async ({ page, request }) => {
    const name = uniqueName("Ada Lovelace");
    const oldCity = uniqueCity("London");
    const newCity = uniqueCity("Bath");
    const { id } = await createCustomer(request, name, { street: "12 St James's Square", city: oldCity });
    await waitForRow(request, id);
    await page.goto(`/customers/${id}`);
    await expect(page).toHaveTitle(new RegExp(name));
    await expect(page.getByText("Version 1")).toBeVisible();
    await page.getByLabel("City").fill(newCity);
    await page.getByLabel("Street").fill("5 Royal Crescent");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("Saved as version 2")).toBeVisible();
    await expect(page.getByText(/Version 2/).first()).toBeVisible();

    // Straight to the list, no waiting: the action waited for the projections (read-your-writes).
    await page.goto(`/customers?city=${encodeURIComponent(newCity)}`);
    await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
    await page.goto(`/customers?city=${encodeURIComponent(oldCity)}`);
    await expect(page.getByText(`No customers match city “${oldCity}”`)).toBeVisible();
    await page.getByRole("button", { name: "Reset filters" }).click();
    await expect(page).toHaveURL(/\/customers$/);
  });

  test("a stale form shows what changed since it was opened, keeps the typed values and merges them with the other change", async ({ page, context, request }) => {
    const name = uniqueName("Katherine Johnson");
    const { id } = await createCustomer(request, name, { street: "1 Langley Blvd", city: "Hampton", country: "US" });
    await waitForRow(request, id);
    const other = await context.newPage();
    await page.goto(`/customers/${id}`);
    await other.goto(`/customers/${id}`);

    // The first page renames and saves.
    const renamed = `${name} Goble`;
    await other.getByLabel(/^Name/).fill(renamed);
    await other.getByRole("button", { name: "Save changes" }).click();
    await expect(other.getByText("Saved as version 2")).toBeVisible();

    // The second page, still at version 1, changes the city and saves.
    await page.getByLabel("City").fill("Newport News");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByRole("heading", { name: "Changed since you opened it" })).toBeVisible();
    const changes = page.getByRole("list", { name: "Changes since you opened the form" });
    await expect(changes).toContainText("CustomerRenamed");
    await expect(changes).toContainText(`name: "${name}" → "${renamed}"`);
    // The other page was the signed-in admin: named, with the email.
    await expect(changes).toContainText(`by ${ADMIN.name} (${ADMIN.email})`);
    // Nothing typed is lost.
    await expect(page.getByLabel("City")).toHaveValue("Newport News");
    await screenshots(page, "customer-conflict");

    // A different field: no clash to decide, so the merged version can be saved at once.
    await expect(page.getByRole("radio")).toHaveCount(0);
    await expect(page.getByLabel(/^Name/)).toHaveValue(renamed);
    await page.getByRole("button", { name: "Save merged version" }).click();
    await expect(page.getByText("Saved as version 3")).toBeVisible();
    // Both changes survive: the other page's name, this page's city.
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(renamed);
    await expect(page.getByLabel(/^Name/)).toHaveValue(renamed);
    await expect(page.getByLabel("City")).toHaveValue("Newport News");
    const row = await (await request.get(`/api/customers/${id}`)).json();
    expect(row).toMatchObject({ name: renamed, city: "Newport News", version: 3 });
    await other.close();
  });

  test("empty and too-long fields get their errors beside them and keep what was typed", async ({ page }) => {
    await page.goto("/customers");
    const form = registerForm(page);
    await form.getByRole("button", { name: "Register" }).click();
    await expect(form.getByLabel(/^Name/)).toHaveAccessibleDescription("Name is required");
    await expect(form.getByLabel("Street")).toHaveAccessibleDescription("Street is required");
    await expect(form.getByLabel("City")).toHaveAccessibleDescription("City is required");
    await expect(form.getByLabel(/^Name/)).toHaveAttribute("aria-invalid", "true");

    const long = "x".repeat(201);
    const tooLongRegion = "r".repeat(501);
    await form.getByLabel(/^Name/).fill(long);
    await form.getByLabel("Street").fill("10 Downing Street");
    await form.getByLabel("City").fill("London");
    await form.getByLabel("Region").fill(tooLongRegion);
    await form.getByRole("button", { name: "Register" }).click();
    await expect(form.getByLabel(/^Name/)).toHaveAccessibleDescription("Name must be at most 200 characters");
    await expect(form.getByLabel("Region")).toHaveAccessibleDescription("Region must be at most 500 characters");
    await expect(form.getByLabel("Street")).not.toHaveAttribute("aria-invalid", "true");
    // Everything typed is still there.
    await expect(form.getByLabel(/^Name/)).toHaveValue(long);
    await expect(form.getByLabel("Street")).toHaveValue("10 Downing Street");
    await expect(form.getByLabel("City")).toHaveValue("London");
    await screenshots(page, "customers-register-errors");
  });

  test("archive with a reason makes the customer read-only", async ({ page, request }) => {
    const name = uniqueName("Hedy Lamarr");
    const { id } = await createCustomer(request, name, { street: "1 Hollywood Blvd", city: "Los Angeles" });
    await waitForRow(request, id);
    await page.goto(`/customers/${id}`);
    await page.getByRole("button", { name: "Archive…" }).click();
    const dialog = page.getByRole("dialog", { name: `Archive ${name}?` });
    await expect(dialog).toBeVisible();
    // Cancel closes without archiving.
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    await page.getByRole("button", { name: "Archive…" }).click();
    await dialog.getByLabel("Reason (optional)").fill("Retired");
    await dialog.getByRole("button", { name: "Archive customer" }).click();
    await expect(page.getByText("Reason: Retired")).toBeVisible();
    await expect(page.getByText("An archived customer is read-only.")).toBeVisible();
    await expect(page.getByLabel(/^Name/)).toBeDisabled();
    await expect(page.getByLabel("City")).toBeDisabled();
    await expect(page.getByRole("button", { name: "Save changes" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Archive…" })).toHaveCount(0);
    await page.goto(`/customers?status=archived&q=${encodeURIComponent(name)}`);
    await expect(page.getByRole("row").filter({ hasText: name })).toContainText("Archived");
  });

  test("search by part of a name", async ({ page, request }) => {
    const tag = Math.random().toString(36).slice(2, 8);
    const name = `Zebulon Quuxley${tag}`;
    const { id } = await createCustomer(request, name, { street: "3 Search St", city: "Findley" });
    await waitForRow(request, id);
    await page.goto("/customers");
    await page.getByLabel("Search").fill(`quuxley${tag.slice(0, 3)}`);
    await expect(page).toHaveURL(/q=quuxley/);
    await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: "Alice Johnson", exact: true })).toHaveCount(0);
    // The middle of a word finds it too, and a reload keeps the search.
    await page.getByLabel("Search").fill(`uxley${tag}`);
    await expect(page).toHaveURL(new RegExp(`q=uxley${tag}`));
    await page.reload();
    await expect(page.getByLabel("Search")).toHaveValue(`uxley${tag}`);
    await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  });

  test("names with HTML and SQL are shown as text", async ({ page, request }) => {
    const name = `<img src=x onerror="window.__pwned=1"><b>Bobby</b>'); DROP TABLE events;-- ${Date.now()}`;
    const { id } = await createCustomer(request, name, { street: "<script>alert(1)</script>", city: "Injection" });
    await waitForRow(request, id);
    await page.goto(`/customers/${id}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(name);
    await expect(page.locator("h1 b, h1 img")).toHaveCount(0);
    await expect(page.getByLabel("Street")).toHaveValue("<script>alert(1)</script>");
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.goto(`/customers?q=${encodeURIComponent("Bobby")}`);
    await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
  });

  test("the list updates live when another client registers a customer, and can be paused", async ({ page, request }) => {
    const city = uniqueCity("Livetown");
    await page.goto(`/customers?city=${encodeURIComponent(city)}`);
    await expect(page.getByText(/No customers match/)).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
    const name = uniqueName("Live Arrival");
    const arrived = await createCustomer(request, name, { street: "1 Push Rd", city });
    await expect(page.getByRole("link", { name, exact: true })).toBeVisible({ timeout: 10_000 });
    // The list says how fresh it is, from the positions the live feed carries.
    await expect(page.getByText(/^Customers as of position \d+, (up to date|[\d.]+ s behind)$/)).toBeVisible();
    await expect
      .poll(async () => Number(/position (\d+)/.exec((await page.getByText(/^Customers as of position/).textContent()) ?? "")?.[1] ?? 0))
      .toBeGreaterThanOrEqual(arrived.position);

    await page.getByRole("button", { name: "Pause live updates" }).click();
    await expect(page).toHaveURL(/live=paused/);
    await expect(page.getByRole("status").filter({ hasText: "Paused" })).toBeVisible();
    const later = uniqueName("Late Arrival");
    const created = await createCustomer(request, later, { street: "2 Push Rd", city });
    await waitForRow(request, created.id);
    await page.waitForTimeout(1000);
    await expect(page.getByRole("link", { name: later, exact: true })).toHaveCount(0);
    await page.getByRole("button", { name: "Resume live updates" }).click();
    await expect(page.getByRole("link", { name: later, exact: true })).toBeVisible({ timeout: 10_000 });
  });

  test("the list says how many customers match its filters, on every page", async ({ page, request }) => {
    const city = uniqueCity("Cambridge");
    await createCustomer(request, uniqueName("Count One"), { street: "1 Count St", city });
    const last = await createCustomer(request, uniqueName("Count Two"), { street: "2 Count St", city });
    await waitForRow(request, last.id);
    await page.goto(`/customers?city=${encodeURIComponent(city)}&status=active&limit=1`);
    await expect(page.getByText(`2 customers · ${city} · Active`)).toBeVisible();
    await page.getByRole("navigation", { name: "Customer pages" }).getByRole("link", { name: "Next" }).click();
    await expect(page).toHaveURL(/cursor=/);
    await expect(page.getByText(`2 customers · ${city} · Active`)).toBeVisible();
  });

  test("cursor paging keeps its place in the URL", async ({ page, request }) => {
    const city = uniqueCity("Pageville");
    for (let i = 0; i < 3; i++) await createCustomer(request, `Pager ${i} ${city}`, { street: `${i} Page St`, city });
    const last = await createCustomer(request, `Pager 3 ${city}`, { street: "3 Page St", city });
    await waitForRow(request, last.id);
    await page.goto(`/customers?city=${encodeURIComponent(city)}&limit=2`);
    const pager = page.getByRole("navigation", { name: "Customer pages" });
    await expect(pager.getByRole("button", { name: "Previous" })).toBeDisabled();
    await expect(page.getByRole("link", { name: `Pager 0 ${city}`, exact: true })).toBeVisible();
    await pager.getByRole("link", { name: "Next" }).click();
    await expect(page).toHaveURL(/cursor=/);
    await expect(page.getByRole("link", { name: `Pager 2 ${city}`, exact: true })).toBeVisible();
    await expect(pager.getByRole("button", { name: "Next" })).toBeDisabled();
    await page.reload();
    await expect(page.getByRole("link", { name: `Pager 3 ${city}`, exact: true })).toBeVisible();
    await pager.getByRole("link", { name: "Previous" }).click();
    await expect(page.getByRole("link", { name: `Pager 1 ${city}`, exact: true })).toBeVisible();
    await expect(pager.getByRole("button", { name: "Previous" })).toBeDisabled();
  });
});

test.describe("pages", () => {
  const pages: [string, string, (name: string) => RegExp][] = [
    ["/", "dashboard", () => /^Dashboard · Ledger$/],
    ["/customers", "customers", () => /^Customers · Ledger$/],
    ["/customers/:id", "customer", (name) => new RegExp(`${name} · Customers · Ledger`)],
    ["/events", "events", () => /^Events · Ledger$/],
    ["/projections", "projections", () => /^Projections · Ledger$/],
    ["/customers/00000000-0000-7000-8000-000000000000", "not-found", () => /not found/i],
  ];
  for (const [path, label, title] of pages) {
    test(`${label}: has a title and a heading, fits 375 px, screenshots`, async ({ page, request }) => {
      let url = path;
      let name = "";
      if (path.includes(":id")) {
        name = uniqueName("Screenshot Person");
        const { id } = await createCustomer(request, name, { street: "1 Pixel Lane", city: "Viewport", postalCode: "375", country: "NO" });
        await waitForRow(request, id);
        url = path.replace(":id", id);
      }
      await page.goto(url);
      await expect(page).toHaveTitle(title(name));
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await page.setViewportSize({ width: 375, height: 812 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${url} fits 375 px`).toBeLessThanOrEqual(0);
      await page.setViewportSize({ width: 1280, height: 800 });
      await screenshots(page, label);
    });
  }

  test("the event log filters by type and stream and links to the timeline", async ({ page, request }) => {
    const name = uniqueName("Log Person");
    const { id, streamId } = await createCustomer(request, name, { street: "1 Log Rd", city: "Logton" });
    await request.post(`/api/customers/${id}/rename`, { data: { name: `${name} II` } });
    await page.goto("/events");
    await page.getByLabel("Stream, customer id or name").fill(streamId);
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page).toHaveURL(/stream=Customer-/);
    const list = page.getByRole("list", { name: "Events, newest first" });
    const items = list.locator(":scope > li");
    await expect(items).toHaveCount(2);
    await expect(items.first()).toContainText("CustomerRenamed");
    // Each event names the customer (their current name) beside the stream id.
    await expect(list.getByTestId("event-customer")).toHaveText([`${name} II`, `${name} II`]);
    await page.getByLabel("Event type").selectOption("CustomerRegistered");
    await expect(items).toHaveCount(1);
    await expect(list.getByRole("link", { name: `${streamId} v1`, exact: true })).toHaveAttribute("href", `/customers/${id}/timeline?v=1`);
    await page.getByLabel("Event type").selectOption("CustomerArchived");
    await expect(page.getByText(/No events match type CustomerArchived/)).toBeVisible();
  });

  test("the event log's stream filter takes a customer's name and suggests names, never an erased one", async ({ page, request }) => {
    const token = uniqueName("Suggest").split(" ")[1];
    const name = `Named Stream ${token}`;
    const { id } = await createCustomer(request, name, { street: "1 Name Rd", city: "Nameton" });
    const gone = await createCustomer(request, `Named Gone ${token}`, { street: "2 Name Rd", city: "Nameton" });
    expect((await request.post(`/api/customers/${gone.id}/erase`, { data: { reason: "e2e: right to erasure" } })).status()).toBe(200);
    await waitForRow(request, id, 1);
    await waitForRow(request, gone.id, 2);
    const api = await request.get(`/api/customers/names?q=${encodeURIComponent(token)}`);
    expect(api.status(), await api.text()).toBe(200);
    const suggested = ((await api.json()) as { items: { id: string }[] }).items.map((item) => item.id);
    expect(suggested).toContain(id);
    expect(suggested).not.toContain(gone.id);
    expect((await request.get("/api/customers/names?q=a")).status()).toBe(400);
    expect((await request.get("/api/customers/names?q=ab&limit=2")).status()).toBe(400);
    await page.goto("/events");
    await page.getByLabel("Stream, customer id or name").fill(token);
    const options = page.getByTestId("event-stream-names").locator("option");
    await expect(options).toHaveCount(1);
    await expect(options.first()).toHaveAttribute("value", name);
    await page.getByLabel("Stream, customer id or name").fill(name.toLowerCase());
    await page.getByRole("button", { name: "Filter" }).click();
    const list = page.getByRole("list", { name: "Events, newest first" });
    await expect(list.locator(":scope > li")).toHaveCount(1);
    await expect(list.getByTestId("event-customer")).toHaveText([name]);
  });

  test("the event log shows an erased customer as [erased], never the old name", async ({ page, request }) => {
    const name = uniqueName("Erased Person");
    const { id, streamId } = await createCustomer(request, name, { street: "1 Gone Rd", city: "Goneton" });
    const erased = await request.post(`/api/customers/${id}/erase`, { data: { reason: "e2e: right to erasure" } });
    expect(erased.status(), await erased.text()).toBe(200);
    await waitForRow(request, id, 2);
    await page.goto(`/events?stream=${encodeURIComponent(streamId)}`);
    const list = page.getByRole("list", { name: "Events, newest first" });
    await expect(list.getByTestId("event-customer").first()).toHaveText("[erased]");
    await expect(list).not.toContainText(name);
  });

  test("the dashboard feed shows new events live", async ({ page, request }) => {
    await page.goto("/");
    await expect(page.getByRole("status").filter({ hasText: "Live" })).toBeVisible();
    const name = uniqueName("Dash Person");
    const created = await createCustomer(request, name, { street: "1 Dash St", city: "Dashville" });
    await expect(page.getByRole("list", { name: /Recent events/ })).toContainText(`registered as "${name}"`, { timeout: 10_000 });
    const freshness = page.getByText(/^Totals as of position \d+, (up to date|[\d.]+ s behind)$/);
    await expect(freshness).toBeVisible();
    await expect
      .poll(async () => Number(/position (\d+)/.exec((await freshness.textContent()) ?? "")?.[1] ?? 0), { timeout: 10_000 })
      .toBeGreaterThanOrEqual(created.position);
  });

  test("a dashboard city bar opens the customer list filtered by that city", async ({ page, request }) => {
    const city = uniqueCity("Barton");
    const name = uniqueName("Bar Person");
    await createCustomer(request, name, { street: "1 Bar St", city });
    await page.goto("/");
    const bars = page.getByRole("list", { name: /Customers per city/ }).getByRole("link");
    await expect(bars.first()).toBeVisible();
    const first = bars.first();
    const shown = (await first.locator("span[title]").getAttribute("title")) ?? "";
    expect(shown).not.toBe("");
    await expect(first).toHaveAttribute("href", `/customers?city=${encodeURIComponent(shown)}`);
    await first.click();
    await expect(page).toHaveURL(new RegExp(`/customers\\?city=`));
    await expect(page.getByRole("search", { name: "Filter customers" }).getByLabel("City")).toHaveValue(shown);
  });

  test("projections page rebuilds with visible progress", async ({ page }) => {
    await page.goto("/projections");
    const row = page.getByRole("row").filter({ hasText: "customer_list" });
    await expect(row).toContainText("running");
    const widths = () => page.getByRole("columnheader").evaluateAll((cells) => cells.map((c) => Math.round(c.getBoundingClientRect().width)));
    const before = await widths();
    await row.getByRole("button", { name: "Rebuild customer_list" }).click();
    await page.getByRole("dialog", { name: /Rebuild customer_list/ }).getByRole("button", { name: "Start rebuild" }).click();
    // Either the progress is caught on screen or the rebuild already finished; both end at running,
    // and a rebuild faster than a poll still says how long it took and when it ended.
    await expect(row).toContainText(/rebuilding|running/);
    await expect(row.getByRole("status")).toHaveText(/^rebuilt in \d+\.\d s at \d{1,2}[:.]\d{2}/, { timeout: 20_000 });
    await expect(row).toContainText("running");
    expect(await widths(), "the columns keep their widths").toEqual(before);
  });
});
