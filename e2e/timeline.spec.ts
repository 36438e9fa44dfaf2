import type { APIRequestContext, Page } from "@playwright/test";
import { createCustomer, expect, screenshots, test, uniqueName } from "./fixtures";

/**
 * The timeline scrubber (/customers/[id]/timeline?v=N) and its JSON API
 * (/api/streams/:streamId/{state,events,compare,history}). Each test makes its own customer.
 */

const ORIGINAL = { street: "1 Analytical Row", city: "London", region: "Greater London", country: "GB" };

/** A customer with five versions: registered, renamed, moved street, moved city, renamed. */
async function customerWithHistory(request: APIRequestContext, archive = false) {
  const name = uniqueName("Ada Lovelace");
  const created = await createCustomer(request, name, ORIGINAL);
  const post = async (command: string, data: object) => {
    const response = await request.post(`/api/customers/${created.id}/${command}`, { data, headers: { "x-actor": "e2e" } });
    expect(response.status(), await response.text()).toBe(200);
  };
  await post("rename", { name: `${name} King` }); // v2
  await post("address", { address: { street: "12 St James Sq", city: "London", country: "GB" } }); // v3
  await post("address", { address: { street: "12 St James Sq", city: "Oslo", country: "NO" } }); // v4
  await post("rename", { name: `${name}, Countess` }); // v5
  if (archive) await post("archive", { reason: "Moved abroad" }); // v6
  return { ...created, name, finalName: `${name}, Countess`, latest: archive ? 6 : 5 };
}

const slider = (page: Page) => page.getByRole("slider", { name: "Version" });
const details = (page: Page) => page.getByRole("region", { name: /^Version \d+ of \d+/ });
const historyLength = (page: Page) => page.evaluate(() => window.history.length);

test.describe("timeline", () => {
  test("arrow keys step back to v1 (URL replaced), reload stays, End jumps to the latest, Back returns", async ({ page, request }) => {
    const c = await customerWithHistory(request);
    await page.goto(`/customers/${c.id}/timeline`);
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "5");
    await expect(slider(page)).toHaveAttribute("aria-valuetext", "Version 5 of 5: CustomerRenamed");
    await expect(page).toHaveURL(/\?v=5$/);
    await expect(page).toHaveTitle(`${c.finalName}: v5 of 5 · Timeline · Ledger`);
    const entries = await historyLength(page);

    await slider(page).focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowLeft");
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "1");
    await expect(slider(page)).toHaveAttribute("aria-valuetext", "Version 1 of 5: CustomerRegistered");
    await expect(page).toHaveURL(/\?v=1$/);
    await expect(details(page)).toHaveAccessibleName(/^Version 1 of 5/);
    await expect(details(page).getByText("1 Analytical Row", { exact: true })).toBeVisible();
    await expect(details(page).getByText("Greater London", { exact: true })).toBeVisible();
    await expect(page).toHaveTitle(`${c.finalName}: v1 of 5 · Timeline · Ledger`);
    expect(await historyLength(page), "stepping replaces the history entry").toBe(entries);
    await expect(page.getByRole("listitem").and(page.locator('[aria-current="step"]'))).toContainText("CustomerRegistered");

    await page.reload();
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "1");
    await expect(details(page).getByText("1 Analytical Row", { exact: true })).toBeVisible();

    await slider(page).focus();
    await page.keyboard.press("End");
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "5");
    await expect(page).toHaveURL(/\?v=5$/);
    await expect(details(page).getByText(c.finalName, { exact: true })).toBeVisible();
    await expect(details(page).getByText("Oslo", { exact: true })).toBeVisible();

    await page.goBack();
    await expect(page).toHaveURL(/\?v=1$/);
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "1");
    await expect(details(page).getByText("1 Analytical Row", { exact: true })).toBeVisible();
  });

  test("v3, jump to v1, step back to v3: the first Back leaves the timeline instead of staying on ?v=3", async ({ page, request }) => {
    const c = await customerWithHistory(request);
    await page.goto(`/customers/${c.id}`);
    await page.goto(`/customers/${c.id}/timeline?v=3`);
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "3");
    await page.getByRole("region", { name: "Events" }).getByRole("button", { name: /v1\s*CustomerRegistered/ }).click();
    await expect(page).toHaveURL(/\?v=1$/);
    const next = page.getByRole("button", { name: "Next", exact: true });
    await next.click();
    await expect(page).toHaveURL(/\?v=2$/);
    await next.click();
    await expect(page).toHaveURL(/\?v=3$/);
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "3");
    await expect(details(page)).toHaveAccessibleName(/^Version 3 of 5/);
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`/customers/${c.id}$`));

    // The same with the keys: Home jumps (push), arrows step (replace).
    await page.goto(`/customers/${c.id}/timeline?v=3`);
    await slider(page).focus();
    await page.keyboard.press("Home");
    await expect(page).toHaveURL(/\?v=1$/);
    await page.keyboard.press("ArrowRight");
    await expect(page).toHaveURL(/\?v=2$/);
    await page.keyboard.press("ArrowRight");
    await expect(page).toHaveURL(/\?v=3$/);
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "3");
    await page.goBack();
    await expect(page).toHaveURL(new RegExp(`/customers/${c.id}$`));
  });

  test("the event's time is shown in the same local format as every page, with the ISO value in its title", async ({ page, request }) => {
    const c = await customerWithHistory(request);
    await page.goto(`/customers/${c.id}/timeline?v=2&tab=event`);
    const time = details(page).locator("time").first();
    await expect(time).toHaveAttribute("title", /^\d{4}-\d{2}-\d{2}T/);
    await expect(details(page).getByText(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/)).toHaveCount(0);
    // Keyboard hints show where there is a pointer that hovers.
    await expect(page.getByTestId("key-hints")).toBeVisible();
  });

  test("Prev and Next step and disable at the ends; clicking a row jumps and Back returns", async ({ page, request }) => {
    const c = await customerWithHistory(request);
    await page.goto(`/customers/${c.id}/timeline?v=2`);
    const prev = page.getByRole("button", { name: "Prev", exact: true });
    const next = page.getByRole("button", { name: "Next", exact: true });
    await prev.click();
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "1");
    await expect(prev).toBeDisabled();
    await page.goto(`/customers/${c.id}/timeline?v=4`);
    await next.click();
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "5");
    await expect(next).toBeDisabled();

    const events = page.getByRole("region", { name: "Events" });
    await events.getByRole("button", { name: /v2\s*CustomerRenamed/ }).click();
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "2");
    await expect(page).toHaveURL(/\?v=2$/);
    await expect(events.locator('[aria-current="step"]')).toContainText("v2");
    await page.goBack();
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "5");
  });

  test("dragging the thumb commits on release and replaces the URL; clicking a mark jumps", async ({ page, request }) => {
    const c = await customerWithHistory(request);
    await page.goto(`/customers/${c.id}/timeline?v=5`);
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "5");
    const entries = await historyLength(page);
    const thumb = (await slider(page).boundingBox())!;
    const track = (await page.locator("[data-orientation=horizontal]").first().boundingBox())!;
    await page.mouse.move(thumb.x + thumb.width / 2, thumb.y + thumb.height / 2);
    await page.mouse.down();
    await page.mouse.move(track.x + track.width * 0.3, thumb.y + thumb.height / 2, { steps: 8 });
    await expect(page).toHaveURL(/\?v=5$/); // nothing committed while the pointer is down
    await page.mouse.move(track.x + 2, thumb.y + thumb.height / 2, { steps: 4 });
    await page.mouse.up();
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "1");
    await expect(page).toHaveURL(/\?v=1$/);
    await expect(details(page)).toHaveAccessibleName(/^Version 1 of 5/);
    expect(await historyLength(page)).toBe(entries);

    await page.getByRole("button", { name: "Go to version 4: CustomerAddressUpdated" }).click();
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "4");
    await page.goBack();
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "1");
  });

  test("the Changes tab shows the diff against N−1 and the Why tab links to the event that set address.city", async ({ page, request }) => {
    const c = await customerWithHistory(request);
    await page.goto(`/customers/${c.id}/timeline?v=2`);
    await page.getByRole("tab", { name: /Changes/ }).click();
    await expect(page).toHaveURL(/\?v=2&tab=changes$/);
    const changed = page.getByRole("list", { name: "Changed fields" });
    await expect(changed.getByRole("listitem")).toHaveCount(1);
    await expect(changed).toContainText(`name"${c.name}" → "${c.name} King"`);

    await page.goto(`/customers/${c.id}/timeline?v=1&tab=changes`);
    await expect(page.getByRole("list", { name: "Changed fields" }).getByRole("listitem").first()).toContainText("added");
    await expect(page.getByText("every field is added")).toBeVisible();

    await page.goto(`/customers/${c.id}/timeline?v=5&tab=why`);
    const cityRow = details(page).getByRole("listitem").filter({ hasText: /^City address\.city/ });
    await cityRow.getByRole("link", { name: "v4 CustomerAddressUpdated" }).click();
    await expect(page).toHaveURL(/\?v=4&tab=why$/);
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "4");
    await page.getByRole("tab", { name: /Changes/ }).click();
    await expect(page.getByRole("list", { name: "Changed fields" })).toContainText('address.city"London" → "Oslo"');
    // One label per field in every tab: the Changes tab and the Why tab both say "City".
    await expect(page.getByRole("list", { name: "Changed fields" }).getByTestId("field-name").filter({ hasText: "address.city" })).toHaveText("City address.city");

    // Full history on demand, and pinning marks the versions that changed the field.
    await page.getByRole("tab", { name: "Why" }).click();
    await expect(cityRow.getByTestId("field-name")).toHaveText("City address.city");
    const streetRow = details(page).getByRole("listitem").filter({ hasText: /^Street address\.street/ });
    await streetRow.getByRole("button", { name: "History of address.street" }).click();
    await expect(streetRow.getByText("2 changes up to v4")).toBeVisible();
    const pin = streetRow.getByRole("button", { name: "Pin address.street" });
    // "Pin" says what it does: in the panel's text, and as the button's description.
    await expect(details(page).getByText(/Pin a field to mark, in the event list and on the slider, every version that changed it/)).toBeVisible();
    await expect(pin).toHaveAccessibleDescription("Mark the versions that changed address.street in the event list and on the slider");
    await pin.click();
    await expect(page).toHaveURL(/field=address\.street/);
    await expect(page.getByRole("region", { name: "Events" }).getByText("changed address.street")).toHaveCount(2);
  });

  test("compare v1 with the latest shows every changed field and the events between", async ({ page, request }) => {
    const c = await customerWithHistory(request);
    await page.goto(`/customers/${c.id}/timeline?v=5`);
    await page.getByRole("button", { name: "Compare versions" }).click();
    await expect(page).toHaveURL(/\?v=5&a=1&b=5$/);
    const panel = page.getByRole("region", { name: "Compare v1 with v5" });
    const changed = panel.getByRole("list", { name: "Changed fields" });
    await expect(changed.getByRole("listitem")).toHaveCount(5);
    await expect(changed).toContainText(`name"${c.name}" → "${c.finalName}"`);
    await expect(changed).toContainText('address.street"1 Analytical Row" → "12 St James Sq"');
    await expect(changed).toContainText('address.city"London" → "Oslo"');
    await expect(changed).toContainText('address.region"Greater London"');
    await expect(changed).toContainText('address.country"GB" → "NO"');
    await expect(panel.getByText("4 events between, by field")).toBeVisible();

    await panel.getByLabel("From version (A)").fill("2");
    await panel.getByLabel("To version (B)").fill("4");
    await panel.getByRole("button", { name: "Compare", exact: true }).click();
    await expect(page).toHaveURL(/a=2&b=4$/);
    await expect(page.getByRole("region", { name: "Compare v2 with v4" }).getByRole("list", { name: "Changed fields" }).getByRole("listitem")).toHaveCount(4);

    await page.goBack();
    await expect(page).toHaveURL(/a=1&b=5$/);
    await expect(page.getByRole("region", { name: "Compare v1 with v5" })).toBeVisible();
    await page.goForward();
    await expect(page).toHaveURL(/a=2&b=4$/);
    await page.reload();
    await expect(page.getByRole("region", { name: "Compare v2 with v4" })).toBeVisible();
    await page.getByRole("button", { name: "Exit compare" }).click();
    await expect(page).toHaveURL(/\?v=5$/);
    await expect(page.getByRole("region", { name: /^Compare v/ })).toHaveCount(0);
  });

  test("compare starts from the version shown against the latest; the pickers name each version's event", async ({ page, request }) => {
    const c = await customerWithHistory(request);
    await page.goto(`/customers/${c.id}/timeline?v=3`);
    await page.getByRole("button", { name: "Compare versions" }).click();
    await expect(page).toHaveURL(/\?v=3&a=3&b=5$/);
    const panel = page.getByRole("region", { name: "Compare v3 with v5" });
    const events = panel.getByTestId("compare-version-event");
    await expect(events).toHaveText(["v3 · CustomerAddressUpdated", "v5 · CustomerRenamed"]);
    await panel.getByLabel("From version (A)").fill("1");
    await expect(events.first()).toHaveText("v1 · CustomerRegistered");
    await expect(panel.locator("#compare-versions option[value='2']")).toHaveAttribute("label", "v2 · CustomerRenamed");
  });

  test("on a phone the event list is one link away from the top of the page", async ({ page, request }) => {
    const c = await customerWithHistory(request);
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`/customers/${c.id}/timeline?v=3`);
    const jump = page.getByRole("link", { name: "Jump to events" });
    await expect(jump).toBeInViewport();
    const events = page.getByRole("region", { name: "Events" });
    await expect(events).not.toBeInViewport();
    await jump.click();
    await expect(events).toBeInViewport();
    await expect(page.locator("#timeline-events")).toBeFocused();
    await expect(page).toHaveURL(/\?v=3$/);
  });

  test("play steps once a second to the end and stops", async ({ page, request }) => {
    const c = await customerWithHistory(request);
    await page.goto(`/customers/${c.id}/timeline?v=2`);
    await page.getByRole("button", { name: "Play" }).click();
    await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "3", { timeout: 3_000 });
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "5", { timeout: 6_000 });
    await expect(page.getByRole("button", { name: "Play" })).toBeVisible();
    await expect(page).toHaveURL(/\?v=5$/);
    await page.waitForTimeout(1_500);
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "5");
  });

  test("an out-of-range or malformed v is clamped with a notice and a link to the latest", async ({ page, request }) => {
    const c = await customerWithHistory(request);
    const response = await page.goto(`/customers/${c.id}/timeline?v=99`);
    expect(response?.status()).toBe(200);
    const notice = page.getByRole("status").filter({ hasText: "Version 99 does not exist" });
    await expect(notice).toContainText("this customer has versions 1 to 5");
    await expect(notice.getByRole("link", { name: "Go to the latest version (v5)" })).toBeVisible();
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "5");
    await expect(page).toHaveURL(/\?v=5$/);

    await page.goto(`/customers/${c.id}/timeline?v=0`);
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "1");
    await expect(page.getByRole("status").filter({ hasText: "Version 0 does not exist" })).toBeVisible();

    await page.goto(`/customers/${c.id}/timeline?v=abc`);
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "5");
    await expect(page.getByRole("status").filter({ hasText: 'Ignored v="abc"' })).toBeVisible();
  });

  test("an archived customer's timeline works the same", async ({ page, request }) => {
    const c = await customerWithHistory(request, true);
    await page.goto(`/customers/${c.id}/timeline`);
    await expect(slider(page)).toHaveAttribute("aria-valuetext", "Version 6 of 6: CustomerArchived");
    await expect(details(page).getByText("archived", { exact: true })).toBeVisible();
    await page.getByRole("tab", { name: /Changes/ }).click();
    await expect(page.getByRole("list", { name: "Changed fields" })).toContainText('status"active" → "archived"');
    await slider(page).focus();
    await page.keyboard.press("Home");
    await expect(page).toHaveURL(/\?v=1&tab=changes$/);
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "1");
  });

  test("a new event is announced without moving the thumb", async ({ page, request }) => {
    const c = await customerWithHistory(request);
    await page.goto(`/customers/${c.id}/timeline?v=3`);
    await expect(slider(page)).toHaveAttribute("aria-valuemax", "5");
    const response = await request.post(`/api/customers/${c.id}/rename`, { data: { name: `${c.name} the Second` } });
    expect(response.status()).toBe(200);
    const notice = page.getByRole("status").filter({ hasText: "1 newer version since this page loaded" });
    await expect(notice).toBeVisible({ timeout: 15_000 });
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "3");
    await notice.getByRole("button", { name: "Go to latest (v6)" }).click();
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "6");
    await expect(slider(page)).toHaveAttribute("aria-valuemax", "6");
    await expect(page).toHaveURL(/\?v=6$/);
  });

  test("an unknown customer is not found", async ({ page }) => {
    // 404, answered by proxy.ts before the page streams (lib/server/page-status).
    const unknown = await page.goto("/customers/01900000-0000-7000-8000-000000000000/timeline");
    expect(unknown?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Customer not found" })).toBeVisible();
    await expect(page).toHaveTitle(/Customer not found/);
    const malformed = await page.goto("/customers/not-a-uuid/timeline?v=2");
    expect(malformed?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Customer not found" })).toBeVisible();
  });

  test("screenshots at desktop width and 375 px", async ({ page, request }) => {
    const c = await customerWithHistory(request, true);
    await page.goto(`/customers/${c.id}/timeline?v=4`);
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "4");
    await screenshots(page, "timeline");
    await page.goto(`/customers/${c.id}/timeline?v=4&tab=why&a=1&b=6`);
    await expect(page.getByRole("region", { name: "Compare v1 with v6" })).toBeVisible();
    await screenshots(page, "timeline-compare");
  });
});

test.describe("timeline API", () => {
  test("GET state: 200 with state, event, changes and provenance; 400 out of range or malformed; 404 unknown", async ({ request }) => {
    const c = await customerWithHistory(request);
    const ok = await request.get(`/api/streams/${c.streamId}/state?version=4`);
    expect(ok.status()).toBe(200);
    const body = await ok.json();
    expect(body.version).toBe(4);
    expect(body.state.address.city).toBe("Oslo");
    expect(body.event.type).toBe("CustomerAddressUpdated");
    expect(body.changes).toEqual([
      { path: "address.city", before: "London", after: "Oslo", kind: "changed" },
      { path: "address.country", before: "GB", after: "NO", kind: "changed" },
    ]);
    // The rename was sent with X-Actor: e2e; the server records the signed-in user instead.
    const me = (await (await request.get("/api/me")).json()) as { id: string };
    expect(body.provenance.name).toMatchObject({ version: 2, type: "CustomerRenamed", actor: `user:${me.id}` });
    expect(body.provenance["address.street"]).toMatchObject({ version: 3, type: "CustomerAddressUpdated" });

    for (const bad of ["version=6", "version=0", "version=x", "version=1&extra=1"]) {
      const response = await request.get(`/api/streams/${c.streamId}/state?${bad}`);
      expect(response.status(), bad).toBe(400);
      expect((await response.json()).error.code, bad).toBe("validation_failed");
    }
    const unknown = await request.get("/api/streams/Customer-01900000-0000-7000-8000-000000000000/state?version=1");
    expect(unknown.status()).toBe(404);
    expect((await unknown.json()).error.code).toBe("not_found");
  });

  test("GET events: 200 in version order within the range; 400 bad range; 404 unknown", async ({ request }) => {
    const c = await customerWithHistory(request);
    const ok = await request.get(`/api/streams/${c.streamId}/events?fromVersion=2&toVersion=4`);
    expect(ok.status()).toBe(200);
    const { events } = await ok.json();
    expect(events.map((e: { version: number }) => e.version)).toEqual([2, 3, 4]);
    expect(Object.keys(events[0]).sort()).toEqual(["data", "id", "metadata", "position", "schemaVersion", "streamId", "timestamp", "type", "version"]);
    expect((await (await request.get(`/api/streams/${c.streamId}/events`)).json()).events).toHaveLength(5);

    for (const bad of ["fromVersion=3&toVersion=2", "fromVersion=0", "toVersion=abc"]) {
      expect((await request.get(`/api/streams/${c.streamId}/events?${bad}`)).status(), bad).toBe(400);
    }
    expect((await request.get("/api/streams/Customer-01900000-0000-7000-8000-000000000000/events")).status()).toBe(404);
    expect((await request.get("/api/streams/not a stream/events")).status()).toBe(404);
  });

  test("GET compare: the diff and the events grouped by field; 400 unless from < to", async ({ request }) => {
    const c = await customerWithHistory(request);
    const ok = await request.get(`/api/streams/${c.streamId}/compare?from=1&to=5`);
    expect(ok.status()).toBe(200);
    const body = await ok.json();
    expect(body.changes.map((change: { path: string }) => change.path)).toEqual([
      "name",
      "address.street",
      "address.city",
      "address.region",
      "address.country",
    ]);
    expect(body.groups.find((g: { path: string }) => g.path === "name").touches.map((t: { version: number }) => t.version)).toEqual([2, 5]);
    expect((await request.get(`/api/streams/${c.streamId}/compare?from=3&to=3`)).status()).toBe(400);
    expect((await request.get(`/api/streams/${c.streamId}/compare?from=1&to=9`)).status()).toBe(400);
  });
});

test.describe("timeline on a touch screen", () => {
  test.use({ hasTouch: true, isMobile: true, viewport: { width: 375, height: 800 } });

  test("keyboard hints are hidden", async ({ page, request }) => {
    const c = await customerWithHistory(request);
    await page.goto(`/customers/${c.id}/timeline?v=2`);
    await expect(slider(page)).toHaveAttribute("aria-valuenow", "2");
    expect(await page.evaluate(() => window.matchMedia("(hover: none)").matches), "the emulated screen cannot hover").toBe(true);
    await expect(page.getByTestId("key-hints")).toBeHidden();
  });
});
