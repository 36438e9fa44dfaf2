import { test as plain, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import { createCustomer, expect, test, uniqueName, waitForRow } from "./fixtures";
import { EDITOR, storageStateOf } from "./users";

/*
 * Identity as a person meets it in the browser: what each role is shown, whose name the
 * timeline gives a change, the admin's users page, and /login for a signed-out visitor.
 * (The API-level checks, role × route, CSRF, keys, live in identity-api.spec.ts.)
 */

const baseUrlOf = (testInfo: TestInfo) => testInfo.project.use.baseURL ?? "http://127.0.0.1:3000";

/** An API client signed in as the admin, for test setup from a context that is not. */
async function adminRequest(playwright: { request: { newContext(options: object): Promise<APIRequestContext> } }, testInfo: TestInfo) {
  return playwright.request.newContext({ baseURL: baseUrlOf(testInfo), storageState: storageStateOf("admin") });
}

async function anyCustomerId(request: APIRequestContext): Promise<string> {
  const response = await request.get("/api/customers?status=active&limit=1");
  expect(response.status(), await response.text()).toBe(200);
  const { items } = (await response.json()) as { items: { id: string }[] };
  expect(items.length, "the demo seed has customers").toBeGreaterThan(0);
  return items[0].id;
}

test.describe("a viewer", () => {
  test.use({ storageState: storageStateOf("viewer") });

  test("sees no register form, no edit or archive controls, no rebuild and no Users link", async ({ page, request }) => {
    const id = await anyCustomerId(request);

    await page.goto("/customers");
    await expect(page.getByRole("heading", { name: "Customers", level: 1 })).toBeVisible();
    await expect(page.getByRole("row").nth(1)).toBeVisible();
    await expect(page.getByRole("complementary", { name: "Register a customer" })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Register a customer" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Register/ })).toHaveCount(0);

    await page.goto(`/customers/${id}`);
    await expect(page.getByRole("heading", { name: "Details", exact: true })).toBeVisible();
    await expect(page.getByLabel(/^Name/)).toBeDisabled();
    await expect(page.getByRole("button", { name: "Save changes" })).toHaveCount(0);
    await expect(page.getByRole("heading", { name: "Archive" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /Archive/ })).toHaveCount(0);

    await page.goto("/projections");
    await expect(page.getByRole("row").filter({ hasText: "customer_list" })).toBeVisible();
    await expect(page.getByRole("button", { name: /Rebuild/ })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
    await expect(page.getByTestId("user-menu")).toContainText("viewer");
  });
});

test.describe("an editor", () => {
  test.use({ storageState: storageStateOf("editor") });

  test("edits a customer, and the timeline and the event log credit them by name", async ({ page, request }) => {
    const name = uniqueName("Edited By Ana");
    const { id } = await createCustomer(request, name, { street: "1 Credit St", city: "Creditville" });
    await waitForRow(request, id);

    await page.goto(`/customers/${id}`);
    const renamed = `${name} Jr`;
    await page.getByLabel(/^Name/).fill(renamed);
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByText("Saved as version 2")).toBeVisible();

    // The event list and the Event tab at v2 name her, with her email.
    await page.goto(`/customers/${id}/timeline?v=2&tab=event`);
    const list = page.getByRole("region", { name: "Events", exact: true });
    await expect(list.getByRole("listitem").filter({ hasText: "CustomerRenamed" })).toContainText(`${EDITOR.name} (${EDITOR.email})`);
    const details = page.getByRole("region", { name: /^Version 2 of 2/ });
    await expect(details).toContainText(`by ${EDITOR.name} (${EDITOR.email})`);

    // Why: the name was set by Ana Lee at v2.
    await page.getByRole("tab", { name: "Why" }).click();
    await expect(details.getByRole("link", { name: "v2 CustomerRenamed" }).first()).toBeVisible();
    await expect(details).toContainText(EDITOR.name);

    // An editor sees no rebuild and no Users link.
    await page.goto("/projections");
    await expect(page.getByRole("row").filter({ hasText: "customer_list" })).toBeVisible();
    await expect(page.getByRole("button", { name: /Rebuild/ })).toHaveCount(0);
    await expect(page.getByRole("link", { name: "Users" })).toHaveCount(0);
  });

  test("the event log filters by who changed it, and the URL holds the choice", async ({ page, request }) => {
    const { id } = await createCustomer(request, uniqueName("Filtered By Ana"), { street: "2 Credit St", city: "Creditville" });
    const me = (await (await request.get("/api/me")).json()) as { id: string };
    await page.goto("/events");
    await page.getByLabel("Changed by").selectOption({ label: `${EDITOR.name} (${EDITOR.email})` });
    await expect(page).toHaveURL(new RegExp(`actor=user%3A${me.id}`));
    const items = page.getByRole("list", { name: "Events, newest first" }).locator(":scope > li");
    await expect(items.first()).toContainText(`Customer-${id}`);
    // Every row is hers (the seed's and the admin's events are filtered out).
    const count = await items.count();
    for (let i = 0; i < count; i++) await expect(items.nth(i)).toContainText(`by ${EDITOR.name}`);
    await page.reload();
    await expect(page.getByLabel("Changed by")).toHaveValue(`user:${me.id}`);
  });
});

test.describe("an admin", () => {
  test("creates a user and an API key; the key is shown once", async ({ page, playwright }, testInfo) => {
    const email = `${uniqueName("new").replace(/\W+/g, ".")}@example.com`.toLowerCase();
    await page.goto("/admin/users");
    // Labels of required fields end in an asterisk hidden from assistive tech: find them by role and name.
    await page.getByRole("textbox", { name: "Name", exact: true }).fill("Nia New");
    await page.getByRole("textbox", { name: "Email", exact: true }).fill(email);
    await page.getByLabel("Initial password").fill("a new password 1");
    await page.getByRole("combobox", { name: "Role", exact: true }).selectOption("editor");
    await page.getByRole("button", { name: "Add user" }).click();
    const userRow = page.getByRole("row").filter({ hasText: email });
    await expect(userRow).toBeVisible();
    await expect(userRow.getByRole("combobox", { name: `Role of ${email}` })).toHaveValue("editor");

    const keyName = uniqueName("orders service");
    await page.getByRole("textbox", { name: "Key name" }).fill(keyName);
    await page.getByLabel("Key role").selectOption("viewer");
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = page.getByLabel("New key");
    await expect(secret).toHaveValue(/^ledger_\S{20,}$/);
    const key = await secret.inputValue();
    await expect(page.getByRole("row").filter({ hasText: keyName })).toBeVisible();

    // The key works, as itself (a context without the admin's cookie)...
    const service = await playwright.request.newContext({ baseURL: baseUrlOf(testInfo), extraHTTPHeaders: { authorization: `Bearer ${key}` } });
    const asKey = await service.get("/api/me");
    expect(asKey.status(), await asKey.text()).toBe(200);
    expect(await asKey.json()).toMatchObject({ name: keyName, role: "viewer" });
    await service.dispose();

    // ...and after a reload it is listed but never shown again.
    await page.reload();
    await expect(page.getByRole("row").filter({ hasText: keyName })).toBeVisible();
    await expect(page.getByLabel("New key")).toHaveCount(0);
    expect(await page.content()).not.toContain(key);
  });
});

test.describe("a signed-out visitor", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  /** A user of this test's own, so that its sign-in attempts count against nobody else's limit. */
  async function newUser(playwright: Parameters<typeof adminRequest>[0], testInfo: TestInfo) {
    const admin = await adminRequest(playwright, testInfo);
    const user = { email: `${uniqueName("back").replace(/\W+/g, ".")}@example.com`.toLowerCase(), name: "Bea Back", password: "bea back password 1", role: "viewer" };
    const created = await admin.post("/api/admin/users", { data: user });
    expect(created.status(), await created.text()).toBe(201);
    return { admin, user };
  }

  async function typeCredentials(page: Page, email: string, password: string) {
    // The email field has focus on arrival; from there on, only Tab and Enter.
    await expect(page.getByLabel("Email")).toBeFocused();
    await page.keyboard.type(email);
    await page.keyboard.press("Tab");
    await expect(page.getByLabel("Password")).toBeFocused();
    await page.keyboard.type(password);
    await page.keyboard.press("Tab");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeFocused();
    await page.keyboard.press("Enter");
  }

  test("lands on /login and, signed in with the keyboard, comes back to exactly that URL", async ({ page, playwright }, testInfo) => {
    const { admin, user } = await newUser(playwright, testInfo);
    const { id } = await createCustomer(admin, uniqueName("Deep Link"), { street: "1 Return Rd", city: "Backton" });
    expect((await admin.post(`/api/customers/${id}/rename`, { data: { name: uniqueName("Deep Link II") } })).status()).toBe(200);
    await admin.dispose();

    const target = `/customers/${id}/timeline?v=2`;
    await page.goto(target);
    await expect(page).toHaveURL(`${baseUrlOf(testInfo)}/login?next=${encodeURIComponent(target)}`);
    await expect(page).toHaveTitle(/Sign in/);
    await typeCredentials(page, user.email, user.password);
    await expect(page).toHaveURL(`${baseUrlOf(testInfo)}${target}`);
    await expect(page.getByRole("slider", { name: "Version" })).toHaveAttribute("aria-valuenow", "2");
    await expect(page.getByTestId("user-menu")).toContainText(user.name);
  });
});

// Plain Playwright: a refused sign-in logs the 401 on the console, which the shared fixture fails on.
plain.describe("a signed-out visitor with a wrong password", () => {
  plain.use({ storageState: { cookies: [], origins: [] } });

  plain("gets a clear error that takes the focus, for screen readers too", async ({ page, playwright }, testInfo) => {
    const admin = await adminRequest(playwright, testInfo);
    const email = `${uniqueName("wrong").replace(/\W+/g, ".")}@example.com`.toLowerCase();
    expect((await admin.post("/api/admin/users", { data: { email, name: "Wes Wrong", password: "the right password", role: "viewer" } })).status()).toBe(201);
    await admin.dispose();

    await page.goto("/login?next=%2Fevents");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not the password");
    await page.keyboard.press("Enter");
    const alert = page.getByRole("alert").filter({ hasText: "The email or password is wrong." });
    await expect(alert).toBeVisible();
    await expect(alert).toBeFocused();
    await expect(page).toHaveURL(/\/login\?next=%2Fevents$/);
    // What was typed stays, so a typo can be fixed.
    await expect(page.getByLabel("Email")).toHaveValue(email);
  });
});
