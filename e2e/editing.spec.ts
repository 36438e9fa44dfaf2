import type { APIRequestContext, Page } from "@playwright/test";
import { createCustomer, expect, test, uniqueName, waitForRow } from "./fixtures";
import { ADMIN } from "./users";

/*
 * Editing that never loses anyone's work (issue 15): two pages of one browser context edit one
 * customer. Each test makes its own customer through the API.
 */

const field = (page: Page, name: string | RegExp) => page.getByRole("textbox", { name });
const save = (page: Page) => page.getByRole("button", { name: "Save changes" });
const banner = (page: Page) => page.getByRole("region", { name: /since you opened it/ });

async function openTwice(page: Page, request: APIRequestContext, name: string) {
  const { id } = await createCustomer(request, name, { street: "1 Baker Street", city: "London", postalCode: "NW1", country: "UK" });
  await waitForRow(request, id);
  const other = await page.context().newPage();
  await page.goto(`/customers/${id}`);
  await other.goto(`/customers/${id}`);
  await expect(page.getByText(/^Version 1/)).toBeVisible();
  return { id, other };
}

async function row(request: APIRequestContext, id: string) {
  return (await (await request.get(`/api/customers/${id}`)).json()) as {
    name: string;
    address: { street: string; city: string; postalCode?: string };
    email: string | null;
    version: number;
    status: string;
  };
}

/** The focused element's text and id, read in the page. */
const focused = (page: Page) => page.evaluate(() => ({ id: document.activeElement?.id ?? "", text: document.activeElement?.textContent ?? "", tag: document.activeElement?.tagName ?? "" }));

test.describe("editing a customer someone else is editing", () => {
  test("a different field: their change stays, mine is applied, and the page shows the current version", async ({ page, request }) => {
    const name = uniqueName("Mary Jackson");
    const { id, other } = await openTwice(page, request, name);
    await field(other, /^Name/).fill(`${name} Sr`);
    await save(other).click();
    await expect(other.getByText("Saved as version 2")).toBeVisible();

    await field(page, "City").fill("Hampton");
    await save(page).click();
    await expect(banner(page)).toBeVisible();
    await expect(banner(page)).toContainText(`by ${ADMIN.name}`);
    await expect(banner(page).getByRole("radio")).toHaveCount(0);
    // Mine kept, theirs shown; nothing saved yet.
    await expect(field(page, "City")).toHaveValue("Hampton");
    await expect(field(page, /^Name/)).toHaveValue(`${name} Sr`);
    // The header and the Record card show the current version, not the one the form was opened at.
    await expect(page.getByText(/^Version 2/)).toBeVisible();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${name} Sr`);
    await expect(page.getByText("Last change (v2)")).toBeVisible();
    expect(await row(request, id)).toMatchObject({ version: 2, address: { city: "London" } });

    await banner(page).getByRole("button", { name: "Save merged version" }).click();
    await expect(page.getByText("Saved as version 3")).toBeVisible();
    expect(await row(request, id)).toMatchObject({ name: `${name} Sr`, address: { city: "Hampton", street: "1 Baker Street" }, version: 3 });
    // Focus is on the outcome.
    expect((await focused(page)).text).toContain("Saved as version 3");
    await other.close();
  });

  test("the same field: nothing saves until a value is chosen, and neither value is lost", async ({ page, request }) => {
    const { id, other } = await openTwice(page, request, uniqueName("Sherlock Holmes"));
    await field(other, "Street").fill("221B Baker Street");
    await save(other).click();
    await expect(other.getByText("Saved as version 2")).toBeVisible();

    await field(page, "Street").fill("12 Baker St.");
    await field(page, "Postal code").fill("NW1 6XE");
    await save(page).click();
    const clash = banner(page).getByRole("group", { name: "Street" });
    await expect(clash).toBeVisible();
    // Theirs and mine side by side.
    await expect(clash.getByRole("radio", { name: /Keep theirs/ })).toHaveAccessibleName(/221B Baker Street/);
    await expect(clash.getByRole("radio", { name: /Keep mine/ })).toHaveAccessibleName(/12 Baker St\./);
    // Undecided: both save buttons wait, and Enter in a field saves nothing either.
    await expect(save(page)).toBeDisabled();
    await expect(banner(page).getByRole("button", { name: "Save merged version" })).toBeDisabled();
    await field(page, "City").press("Enter");
    await page.waitForTimeout(500);
    expect(await row(request, id)).toMatchObject({ version: 2, address: { street: "221B Baker Street", postalCode: "NW1" } });

    await clash.getByRole("radio", { name: /Keep theirs/ }).check();
    await expect(field(page, "Street")).toHaveValue("221B Baker Street");
    await clash.getByRole("radio", { name: /Keep mine/ }).check();
    await expect(field(page, "Street")).toHaveValue("12 Baker St.");
    await clash.getByRole("radio", { name: /Keep theirs/ }).check();
    await save(page).click();
    await expect(page.getByText("Saved as version 3")).toBeVisible();
    // Their street (chosen) and my postal code (only mine changed) are both there.
    expect(await row(request, id)).toMatchObject({ version: 3, address: { street: "221B Baker Street", postalCode: "NW1 6XE" } });
    await other.close();
  });

  test("keeping mine overwrites their value only because it was chosen", async ({ page, request }) => {
    const { id, other } = await openTwice(page, request, uniqueName("John Watson"));
    await field(other, "City").fill("Edinburgh");
    await save(other).click();
    await expect(other.getByText("Saved as version 2")).toBeVisible();
    await field(page, "City").fill("Portsmouth");
    await save(page).click();
    await banner(page).getByRole("group", { name: "City" }).getByRole("radio", { name: /Keep mine/ }).check();
    await banner(page).getByRole("button", { name: "Save merged version" }).click();
    await expect(page.getByText("Saved as version 3")).toBeVisible();
    expect(await row(request, id)).toMatchObject({ version: 3, address: { city: "Portsmouth" } });
    await other.close();
  });

  test("an archive made elsewhere turns the page read-only and keeps what was typed in view", async ({ page, request }) => {
    const name = uniqueName("Irene Adler");
    const { id, other } = await openTwice(page, request, name);
    await other.getByRole("button", { name: "Archive…" }).click();
    await other.getByRole("dialog", { name: `Archive ${name}?` }).getByRole("button", { name: "Archive customer" }).click();
    await expect(other.getByText("An archived customer is read-only.")).toBeVisible();
    // The Archive… button is gone with the archive: focus is on the outcome.
    expect((await focused(other)).id).toBe("archived-notice");

    await field(page, "City").fill("Montenegro");
    await save(page).click();
    await expect(page.getByRole("heading", { name: "Archived since you opened it" })).toBeVisible();
    await expect(banner(page)).toContainText("CustomerArchived");
    await expect(page.getByRole("button", { name: /Save merged version|Apply my edits/ })).toHaveCount(0);
    await expect(save(page)).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Archive…" })).toHaveCount(0);
    await expect(field(page, "City")).toBeDisabled();
    await expect(page.getByRole("definition").filter({ hasText: "Montenegro" })).toBeVisible();
    await expect(page.getByText("Archived", { exact: true }).first()).toBeVisible();
    await expect(page.getByText(/^Version 2/)).toBeVisible();
    expect(await row(request, id)).toMatchObject({ version: 2, status: "archived", address: { city: "London" } });
    await other.close();
  });

  test("a change made elsewhere is announced before saving, and Review shows the merge without saving", async ({ page, request }) => {
    const { id, other } = await openTwice(page, request, uniqueName("Ana Warn"));
    await field(page, "Street").fill("2 Baker Street");
    await field(other, "Postal code").fill("NW1 5LA");
    await save(other).click();
    await expect(other.getByText("Saved as version 2")).toBeVisible();

    const warning = page.getByRole("status").filter({ hasText: "Changed by" });
    await expect(warning).toContainText(`Changed by ${ADMIN.name}`, { timeout: 10_000 });
    await expect(warning).toContainText("postal code");
    await warning.getByRole("button", { name: "Review" }).click();
    await expect(banner(page)).toBeVisible();
    await expect(field(page, "Postal code")).toHaveValue("NW1 5LA");
    await expect(field(page, "Street")).toHaveValue("2 Baker Street");
    expect(await row(request, id)).toMatchObject({ version: 2, address: { street: "1 Baker Street" } });
    await banner(page).getByRole("button", { name: "Save merged version" }).click();
    await expect(page.getByText("Saved as version 3")).toBeVisible();
    expect(await row(request, id)).toMatchObject({ version: 3, address: { street: "2 Baker Street", postalCode: "NW1 5LA" } });
    await other.close();
  });

  test("contact details typed before a conflict refreshed the page keep the version they were typed against", async ({ page, request }) => {
    const { id, other } = await openTwice(page, request, uniqueName("Contact Pin"));
    await page.getByRole("textbox", { name: /^Email/ }).fill("mine@example.com");
    await other.getByRole("textbox", { name: /^Email/ }).fill("theirs@example.com");
    await other.getByRole("button", { name: "Save contact details" }).click();
    await expect(other.getByText("Contact details saved as version 2")).toBeVisible();
    // The edit form's conflict refreshes the page to version 2.
    await field(page, "City").fill("Leeds");
    await save(page).click();
    await expect(banner(page)).toBeVisible();
    await expect(page.getByText(/^Version 2/)).toBeVisible();
    await page.getByRole("button", { name: "Save contact details" }).click();
    await expect(page.getByText(/Changed since you opened it \(now version 2\)/)).toBeVisible();
    expect(await row(request, id)).toMatchObject({ version: 2, email: "theirs@example.com" });
    await other.close();
  });

  test("on a phone the conflict banner is brought into view and focused after Save", async ({ page, request }) => {
    await page.setViewportSize({ width: 375, height: 800 });
    const { other } = await openTwice(page, request, uniqueName("Phone Conflict"));
    await field(other, "Region").fill("Greater London");
    await save(other).click();
    await expect(other.getByText("Saved as version 2")).toBeVisible();
    await field(page, "Country").fill("GB");
    await save(page).scrollIntoViewIfNeeded();
    await save(page).click();
    await expect(banner(page)).toBeInViewport();
    const active = await focused(page);
    expect(active.text).toContain("Changed since you opened it");
    await expect(banner(page)).toBeFocused();
    await other.close();
  });
});

test.describe("focus after a command", () => {
  test("an empty submit focuses the first invalid field; a save focuses its outcome", async ({ page, request }) => {
    const { id } = await createCustomer(request, uniqueName("Focus Person"), { street: "1 Focus St", city: "Oslo" });
    await waitForRow(request, id);
    await page.goto(`/customers/${id}`);
    await field(page, /^Name/).fill("");
    await field(page, "City").fill("");
    await save(page).click();
    await expect(field(page, /^Name/)).toHaveAttribute("aria-invalid", "true");
    expect((await focused(page)).id).toBe("edit-name");
    await field(page, /^Name/).fill("Focus Person Two");
    await field(page, "City").fill("Bergen");
    await save(page).click();
    // A rename and a move: two events, one append.
    await expect(page.getByText("Saved as version 3")).toBeVisible();
    expect((await focused(page)).text).toContain("Saved as version 3");
  });

  test("register: an empty submit focuses Name; a registration focuses its outcome", async ({ page }) => {
    await page.goto("/customers");
    const form = page.getByRole("complementary", { name: "Register a customer" });
    await form.getByRole("button", { name: "Register" }).click();
    await expect(form.getByLabel(/^Name/)).toHaveAttribute("aria-invalid", "true");
    expect((await focused(page)).id).toBe("register-name");
    const name = uniqueName("Focus Registered");
    await form.getByLabel(/^Name/).fill(name);
    await form.getByLabel("Street").fill("1 Focus Way");
    await form.getByLabel("City").fill("Oslo");
    await form.getByRole("button", { name: "Register" }).click();
    await expect(form.getByText(`Registered ${name}`)).toBeVisible();
    expect((await focused(page)).text).toContain(`Registered ${name}`);
  });
});

test.describe("statuses", () => {
  test("unknown customers are 404, bad filters 400 in words, and the generic 404 does not mention customers", async ({ request }) => {
    for (const path of [
      "/customers/01900000-0000-7000-8000-000000000000",
      "/customers/01900000-0000-7000-8000-000000000000/timeline",
      "/customers/not-a-uuid",
      "/customers/not-a-uuid/timeline",
    ]) {
      const response = await request.get(path);
      expect(response.status(), path).toBe(404);
      expect(await response.text(), path).toContain("Customer not found");
    }
    const status = await request.get("/customers?status=bogus");
    expect(status.status()).toBe(400);
    const statusText = await status.text();
    expect(statusText).toContain("Status must be Active, Archived or All");
    expect(statusText).not.toContain("status:");

    const type = await request.get("/events?type=Bogus");
    expect(type.status()).toBe(400);
    const typeText = await type.text();
    expect(typeText).toContain("Event type must be one of");
    expect(typeText).not.toMatch(/type\.0/);

    // By request: a browser logs every 404 it loads as a console error, which fails the fixture.
    const generic = await request.get("/no-such-page");
    expect(generic.status()).toBe(404);
    const genericText = await generic.text();
    expect(genericText).toContain("There is nothing at this address. The link may be mistyped, or what it pointed to may never have existed.");
    expect(genericText).not.toMatch(/Customer not found|no customer with this id|customer may never/i);

    // A known customer and good filters still answer 200.
    const { id } = await createCustomer(request, uniqueName("Status Person"), { street: "1 Status St", city: "Oslo" });
    expect((await request.get(`/customers/${id}`)).status()).toBe(200);
    expect((await request.get(`/customers/${id}/timeline`)).status()).toBe(200);
    expect((await request.get("/customers?status=archived&live=paused")).status()).toBe(200);
    expect((await request.get("/events?type=CustomerRenamed")).status()).toBe(200);
  });
});
