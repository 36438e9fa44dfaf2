import fs from "node:fs";
import { expect, test as setup } from "@playwright/test";
import { ADMIN, EDITOR, storageStateOf, VIEWER, type TestUser } from "./users";

// Signs in through /login once per run, as each role, and keeps the storage states for the tests
// (the Playwright way: https://playwright.dev/docs/auth). The admin is the app's first user,
// created at start from LEDGER_ADMIN_EMAIL / LEDGER_ADMIN_PASSWORD (scripts/e2e.mjs sets them).

async function signIn(page: import("@playwright/test").Page, user: TestUser) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("user-menu")).toContainText(user.name === "Administrator" ? "Administrator" : user.name);
  fs.mkdirSync("test-results/.auth", { recursive: true });
  await page.context().storageState({ path: storageStateOf(user.role) });
}

setup("sign in as admin, then create and sign in an editor and a viewer", async ({ page }) => {
  await signIn(page, ADMIN);
  for (const user of [EDITOR, VIEWER]) {
    const response = await page.request.post("/api/admin/users", { data: { email: user.email, name: user.name, password: user.password, role: user.role } });
    expect([201, 409], await response.text()).toContain(response.status());
  }
  for (const user of [EDITOR, VIEWER]) {
    await page.context().clearCookies();
    await signIn(page, user);
  }
});
