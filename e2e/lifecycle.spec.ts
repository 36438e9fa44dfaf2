import { createCustomer, expect, test, uniqueName, waitForRow } from "./fixtures";
import { storageStateOf } from "./users";

/* Data lifecycle (issue 12): contact details as their own command, erasure by an admin only. */

const oslo = { street: "Karl Johans gate 1", city: "Oslo", postalCode: "0154" };

test.describe("contact details", () => {
  test("edit email and phone on the customer page; a bad phone is refused beside its field", async ({ page, request }) => {
    const name = uniqueName("Contact");
    const { id } = await createCustomer(request, name, oslo);
    await page.goto(`/customers/${id}`);
    const contact = page.getByRole("form", { name: "Contact details" });
    await contact.getByLabel("Phone").fill("12345");
    await contact.getByRole("button", { name: "Save contact details" }).click();
    await expect(contact.getByText("Phone must be + and 7–15 digits")).toBeVisible();

    await contact.getByLabel("Email").fill("ada@example.test");
    await contact.getByLabel("Phone").fill("+47 912-34 567");
    await contact.getByRole("button", { name: "Save contact details" }).click();
    await expect(contact.getByText("Contact details saved as version 2")).toBeVisible();

    await waitForRow(request, id, 2);
    const row = await (await request.get(`/api/customers/${id}`)).json();
    expect([row.email, row.phone]).toEqual(["ada@example.test", "+4791234567"]);
    // Search finds the customer by email and by phone.
    const byEmail = await (await request.get(`/api/customers?q=${encodeURIComponent("ada@example.test")}`)).json();
    expect(byEmail.items.map((i: { id: string }) => i.id)).toContain(id);
    const byPhone = await (await request.get(`/api/customers?q=4791234567`)).json();
    expect(byPhone.items.map((i: { id: string }) => i.id)).toContain(id);
  });
});

test.describe("erasure", () => {
  test("an admin erases a customer's personal data with a typed confirmation", async ({ page, request }) => {
    const name = uniqueName("Erasable");
    const { id } = await createCustomer(request, name, oslo);
    expect((await request.post(`/api/customers/${id}/contact`, { data: { email: "erase.me@example.test" } })).status()).toBe(200);
    await page.goto(`/customers/${id}`);
    await page.getByRole("button", { name: "Erase personal data…" }).click();
    const dialog = page.getByRole("dialog", { name: /Erase the personal data/ });
    await dialog.getByLabel("Reason").fill("GDPR request 42");
    const confirm = dialog.getByRole("button", { name: "Erase personal data", exact: true });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel("Type the customer's name to confirm").fill(name);
    await confirm.click();
    await expect(page.getByText("Personal data erased", { exact: true })).toBeVisible();

    await waitForRow(request, id, 3);
    const row = await (await request.get(`/api/customers/${id}`)).json();
    expect([row.name, row.email, row.erased, row.city]).toEqual(["[erased]", "[erased]", true, "Oslo"]);
    const rename = await request.post(`/api/customers/${id}/rename`, { data: { name: "Back" } });
    expect(rename.status()).toBe(409);
    expect((await rename.json()).error.code).toBe("customer_erased");
    // The timeline's first version shows the name erased too.
    const response = await request.get(`/api/streams/Customer-${id}/state?version=1`);
    expect(response.status(), await response.text()).toBe(200);
    const state = await response.json();
    expect(state.state.name).toBe("[erased]");
    expect(JSON.stringify(state)).not.toContain(name);
  });
});

test.describe("erasure as an editor", () => {
  test.use({ storageState: storageStateOf("editor") });

  test("an editor does not see the erase action, and the API refuses them", async ({ page, request }) => {
    const { id } = await createCustomer(request, uniqueName("Not erasable by editors"), oslo);
    await page.goto(`/customers/${id}`);
    await expect(page.getByRole("form", { name: "Contact details" })).toBeVisible();
    await expect(page.getByRole("button", { name: /Erase personal data/ })).toHaveCount(0);
    const response = await request.post(`/api/customers/${id}/erase`, { data: { reason: "not mine to erase" } });
    expect(response.status()).toBe(403);
  });
});
