import { v7 as uuidv7 } from "uuid";
import { createCustomer, expect, test, uniqueName, waitForRow } from "./fixtures";

/**
 * The JSON API of SPEC §4 over real HTTP against the built app: every route, every error code.
 */

type ErrorBody = { error: { code: string; message: string; fieldErrors?: Record<string, string[]>; [k: string]: unknown } };

const address = (city = "Oslo") => ({ street: "1 Test Street", city });

test.describe("POST /api/customers", () => {
  test("registers: 201 with id, streamId, version and position; the row appears in the read table", async ({ request }) => {
    const name = uniqueName("Api Person");
    const response = await request.post("/api/customers", { data: { name, address: { ...address(), region: " ", country: "NO" } } });
    expect(response.status()).toBe(201);
    const body = await response.json();
    expect(Object.keys(body).sort()).toEqual(["id", "position", "streamId", "version"]);
    expect(body.streamId).toBe(`Customer-${body.id}`);
    expect(body.version).toBe(1);
    expect(typeof body.position).toBe("number");
    expect(response.headers()["location"]).toBe(`/api/customers/${body.id}`);
    await waitForRow(request, body.id);
    const row = await (await request.get(`/api/customers/${body.id}`)).json();
    expect(row).toMatchObject({ id: body.id, name, city: "Oslo", status: "active", version: 1, address: { street: "1 Test Street", city: "Oslo", country: "NO" } });
    expect(row.address.region).toBeUndefined();
    expect(new Date(row.registeredAt).toISOString()).toBe(row.registeredAt);
  });

  test("accepts a client-chosen id; the same id again is 409 already_exists", async ({ request }) => {
    const id = uuidv7();
    const first = await request.post("/api/customers", { data: { id, name: uniqueName("Chosen"), address: address() } });
    expect(first.status()).toBe(201);
    expect((await first.json()).id).toBe(id);
    const again = await request.post("/api/customers", { data: { id, name: "Someone else", address: address() } });
    expect(again.status()).toBe(409);
    expect(((await again.json()) as ErrorBody).error.code).toBe("already_exists");
  });

  test("wrong shape: 400 validation_failed with fieldErrors by dot path", async ({ request }) => {
    const response = await request.post("/api/customers", {
      data: { name: "   ", address: { street: "x", city: 42, zip: "0150" }, extra: true },
    });
    expect(response.status()).toBe(400);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.code).toBe("validation_failed");
    expect(error.message).toBeTruthy();
    expect(error.fieldErrors).toMatchObject({
      name: ["Name is required"],
      "address.city": ["City must be text"],
      "address.zip": ["Unknown field"],
      extra: ["Unknown field"],
    });
    const tooLong = await request.post("/api/customers", { data: { name: "n".repeat(201), address: { street: "s".repeat(501), city: "c" } } });
    expect(((await tooLong.json()) as ErrorBody).error.fieldErrors).toMatchObject({
      name: ["Name must be at most 200 characters"],
      "address.street": ["Street must be at most 500 characters"],
    });
    const noAddress = await request.post("/api/customers", { data: { name: "No Address" } });
    expect(((await noAddress.json()) as ErrorBody).error.fieldErrors).toHaveProperty("address");
    const badId = await request.post("/api/customers", { data: { id: "not-a-uuid", name: "X", address: address() } });
    expect(((await badId.json()) as ErrorBody).error.fieldErrors).toHaveProperty("id");
  });

  test("malformed JSON, an empty body and a non-object body are 400s", async ({ request }) => {
    for (const [data, code] of [
      ['{"name": "Ada", ', "invalid_json"],
      ["not json at all", "invalid_json"],
      ["", "invalid_json"],
      ["[1, 2]", "validation_failed"],
      ["null", "validation_failed"],
      ['"just a string"', "validation_failed"],
    ] as const) {
      const response = await request.post("/api/customers", { data: Buffer.from(data), headers: { "content-type": "application/json" } });
      expect(response.status(), data).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code, data).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(0);
    }
  });

  test("a 65 KiB body is a 400 and writes nothing", async ({ request }) => {
    const marker = `Huge${Date.now()}`;
    const data = JSON.stringify({ name: marker, address: { street: "x".repeat(65 * 1024), city: "Bigcity" } });
    expect(Buffer.byteLength(data)).toBeGreaterThan(65 * 1024);
    const before = await (await request.get("/api/projections")).json();
    const response = await request.post("/api/customers", { data: Buffer.from(data), headers: { "content-type": "application/json" } });
    expect(response.status()).toBe(400);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe("body_too_large");
    expect(body.error.message).toMatch(/64 KiB/);
    const search = await (await request.get(`/api/customers?q=${marker}`)).json();
    expect(search.items).toEqual([]);
    const after = await (await request.get("/api/projections")).json();
    expect(after[0].headPosition).toBe(before[0].headPosition);
  });

  test("a body just under 64 KiB is read (and then validated)", async ({ request }) => {
    const data = JSON.stringify({ name: "Almost", address: { street: "x".repeat(60 * 1024), city: "c" } });
    const response = await request.post("/api/customers", { data: Buffer.from(data), headers: { "content-type": "application/json" } });
    expect(response.status()).toBe(400);
    expect(((await response.json()) as ErrorBody).error.code).toBe("validation_failed");
  });

  test("a replayed Idempotency-Key returns the same response and appends one event", async ({ request }) => {
    const key = `test-${uuidv7()}`;
    const data = { name: uniqueName("Idempotent"), address: address("Trondheim") };
    const first = await request.post("/api/customers", { data, headers: { "Idempotency-Key": key } });
    const second = await request.post("/api/customers", { data, headers: { "Idempotency-Key": key } });
    expect(first.status()).toBe(201);
    expect(second.status()).toBe(201);
    const body = await first.json();
    expect(await second.json()).toEqual(body);
    const events = await (await request.get(`/api/streams/${body.streamId}/events`)).json();
    expect(events.events).toHaveLength(1);

    // The same for a command on an existing customer, with the key in the body this time.
    const rename = { name: `${data.name} Renamed`, commandId: `body-${uuidv7()}` };
    const r1 = await request.post(`/api/customers/${body.id}/rename`, { data: rename });
    const r2 = await request.post(`/api/customers/${body.id}/rename`, { data: rename });
    expect(r1.status()).toBe(200);
    expect(await r2.json()).toEqual(await r1.json());
    const after = await (await request.get(`/api/streams/${body.streamId}/events`)).json();
    expect(after.events).toHaveLength(2);
    // The recorded command id is the caller's key scoped to the caller and the endpoint.
    expect(after.events[1].metadata.commandId).toMatch(/^cmd:[\w-]{43}$/);
  });

  test("the header wins over commandId in the body; a bad key is a 400", async ({ request }) => {
    const header = `hdr-${uuidv7()}`;
    const created = await request.post("/api/customers", {
      data: { name: uniqueName("Header Wins"), address: address(), commandId: `body-${uuidv7()}` },
      headers: { "Idempotency-Key": header },
    });
    const { streamId } = await created.json();
    const events = await (await request.get(`/api/streams/${streamId}/events`)).json();
    const byHeader = await request.post("/api/customers", { data: { name: uniqueName("Header Wins"), address: address() }, headers: { "Idempotency-Key": header } });
    expect((await byHeader.json()).streamId, "the header's key was the one recorded").toBe(streamId);
    expect(events.events[0].metadata.commandId).toMatch(/^cmd:/);
    for (const bad of ["has space", "x".repeat(201)]) {
      const response = await request.post("/api/customers", { data: { name: "K", address: address() }, headers: { "Idempotency-Key": bad } });
      expect(response.status()).toBe(400);
      expect(((await response.json()) as ErrorBody).error.fieldErrors).toHaveProperty("Idempotency-Key");
    }
    const badBody = await request.post("/api/customers", { data: { name: "K", address: address(), commandId: 42 } });
    expect(((await badBody.json()) as ErrorBody).error.fieldErrors).toHaveProperty("commandId");
  });

  test("HTML and SQL in names are stored verbatim", async ({ request }) => {
    const name = `<script>alert("x")</script> Robert'); DROP TABLE customer_list;-- ${Date.now()}`;
    const { id } = await createCustomer(request, name, { street: "<b>1</b> O'Reilly St", city: "Quote'n\"City" });
    await waitForRow(request, id);
    const row = await (await request.get(`/api/customers/${id}`)).json();
    expect(row.name).toBe(name);
    expect(row.address.street).toBe("<b>1</b> O'Reilly St");
    expect(row.city).toBe("Quote'n\"City");
    const found = await (await request.get(`/api/customers?city=${encodeURIComponent("QUOTE'N\"CITY")}`)).json();
    expect(found.items.map((i: { id: string }) => i.id)).toContain(id);
  });
});

test.describe("customer commands", () => {
  test("rename: 200 { version, position }; same name: { unchanged: true, version }", async ({ request }) => {
    const name = uniqueName("Renamee");
    const { id } = await createCustomer(request, name, address());
    const renamed = await request.post(`/api/customers/${id}/rename`, { data: { name: `${name} Jr`, expectedVersion: 1 } });
    expect(renamed.status()).toBe(200);
    const body = await renamed.json();
    expect(Object.keys(body).sort()).toEqual(["position", "version"]);
    expect(body.version).toBe(2);
    const same = await request.post(`/api/customers/${id}/rename`, { data: { name: `  ${name} Jr ` } });
    expect(same.status()).toBe(200);
    expect(await same.json()).toEqual({ unchanged: true, version: 2 });
  });

  test("a stale expectedVersion is 409 version_conflict with expected and actual version inside error", async ({ request }) => {
    const { id } = await createCustomer(request, uniqueName("Stale"), address());
    expect((await request.post(`/api/customers/${id}/address`, { data: { address: address("Bergen"), expectedVersion: 1 } })).status()).toBe(200);
    const stale = await request.post(`/api/customers/${id}/rename`, { data: { name: "Too Late", expectedVersion: 1 } });
    expect(stale.status()).toBe(409);
    const { error } = (await stale.json()) as ErrorBody;
    expect(error).toMatchObject({ code: "version_conflict", expectedVersion: 1, actualVersion: 2 });
    expect(error.message).toMatch(/version/);
    expect((error.eventsSince as { type: string }[]).map((e) => e.type)).toEqual(["CustomerAddressUpdated"]);
    const ahead = await request.post(`/api/customers/${id}/archive`, { data: { expectedVersion: 7 } });
    expect(ahead.status()).toBe(409);
    expect(((await ahead.json()) as ErrorBody).error).toMatchObject({ code: "version_conflict", expectedVersion: 7, actualVersion: 2 });
  });

  test("address: 200, unchanged, and 400 for a bad address", async ({ request }) => {
    const { id } = await createCustomer(request, uniqueName("Mover"), address("Oslo"));
    const moved = await request.post(`/api/customers/${id}/address`, { data: { address: { street: "2 New St", city: "Tromsø", postalCode: "9008" } } });
    expect(moved.status()).toBe(200);
    expect((await moved.json()).version).toBe(2);
    const same = await request.post(`/api/customers/${id}/address`, { data: { address: { street: " 2 New St", city: "Tromsø ", postalCode: "9008", country: "" } } });
    expect(await same.json()).toEqual({ unchanged: true, version: 2 });
    const bad = await request.post(`/api/customers/${id}/address`, { data: { address: { street: "" } } });
    expect(bad.status()).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.fieldErrors).toMatchObject({ "address.street": ["Street is required"] });
    const wrongType = await request.post(`/api/customers/${id}/address`, { data: { address: address(), expectedVersion: "2" } });
    expect(((await wrongType.json()) as ErrorBody).error.fieldErrors).toHaveProperty("expectedVersion");
  });

  test("archive: 200 (empty body allowed); then commands get 409 customer_archived", async ({ request }) => {
    const { id } = await createCustomer(request, uniqueName("Archivee"), address());
    const archived = await request.post(`/api/customers/${id}/archive`);
    expect(archived.status()).toBe(200);
    expect(await archived.json()).toMatchObject({ version: 2 });
    for (const [path, data] of [
      ["rename", { name: "New" }],
      ["address", { address: address("Elsewhere") }],
      ["archive", { reason: "again" }],
    ] as const) {
      const response = await request.post(`/api/customers/${id}/${path}`, { data });
      expect(response.status(), path).toBe(409);
      expect(((await response.json()) as ErrorBody).error.code).toBe("customer_archived");
    }
    await waitForRow(request, id, 2);
    expect((await (await request.get(`/api/customers/${id}`)).json()).status).toBe("archived");
  });

  test("concurrent commands without expectedVersion never answer 500", async ({ request }) => {
    const { id, streamId } = await createCustomer(request, uniqueName("Contended"), address());
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => request.post(`/api/customers/${id}/rename`, { data: { name: `Contended ${i}` } })),
    );
    const statuses = responses.map((r) => r.status());
    for (const status of statuses) expect([200, 409]).toContain(status);
    const ok = statuses.filter((s) => s === 200).length;
    const events = await (await request.get(`/api/streams/${streamId}/events`)).json();
    expect(events.events).toHaveLength(1 + ok);
  });

  test("unknown or malformed customer ids are 404 not_found", async ({ request }) => {
    for (const id of [uuidv7(), "not-a-uuid"]) {
      for (const [path, data] of [
        ["rename", { name: "X" }],
        ["address", { address: address() }],
        ["archive", {}],
      ] as const) {
        const response = await request.post(`/api/customers/${id}/${path}`, { data });
        expect(response.status(), `${id} ${path}`).toBe(404);
        expect(((await response.json()) as ErrorBody).error.code).toBe("not_found");
      }
      const get = await request.get(`/api/customers/${id}`);
      expect(get.status()).toBe(404);
      expect(((await get.json()) as ErrorBody).error.code).toBe("not_found");
    }
  });

  test("command bodies are validated: malformed JSON, unknown fields, too large", async ({ request }) => {
    const { id } = await createCustomer(request, uniqueName("Validated"), address());
    const malformed = await request.post(`/api/customers/${id}/rename`, { data: Buffer.from("{name:"), headers: { "content-type": "application/json" } });
    expect(((await malformed.json()) as ErrorBody).error.code).toBe("invalid_json");
    const unknown = await request.post(`/api/customers/${id}/archive`, { data: { reason: "r", force: true } });
    expect(unknown.status()).toBe(400);
    expect(((await unknown.json()) as ErrorBody).error.fieldErrors).toMatchObject({ force: ["Unknown field"] });
    const big = await request.post(`/api/customers/${id}/archive`, { data: { reason: "r".repeat(70_000) } });
    expect(big.status()).toBe(400);
    expect(((await big.json()) as ErrorBody).error.code).toBe("body_too_large");
    const events = await (await request.get(`/api/streams/Customer-${id}/events`)).json();
    expect(events.events).toHaveLength(1);
  });
});

test.describe("GET /api/customers", () => {
  test("filters by city (case-insensitive) and status, searches, sorts by name and pages by cursor", async ({ request }) => {
    const city = `Pagetown${Date.now()}`;
    const names = ["Charlie", "alpha", "Bravo", "Delta", "Echo"].map((n) => `${n} ${city}`);
    const ids: string[] = [];
    for (const name of names) ids.push((await createCustomer(request, name, address(city))).id);
    await request.post(`/api/customers/${ids[3]}/archive`, { data: { reason: "test" } });
    await waitForRow(request, ids[3], 2);
    for (const id of ids) await waitForRow(request, id);

    const all = await (await request.get(`/api/customers?city=${city.toUpperCase()}&limit=100`)).json();
    expect(all.items.map((i: { name: string }) => i.name)).toEqual([...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(all.nextCursor).toBeNull();
    expect(Object.keys(all.items[0]).sort()).toEqual(["address", "city", "email", "erased", "id", "name", "phone", "registeredAt", "status", "streamId", "updatedAt", "version"]);

    const active = await (await request.get(`/api/customers?city=${city}&status=active`)).json();
    expect(active.items).toHaveLength(4);
    const archived = await (await request.get(`/api/customers?city=${city}&status=archived`)).json();
    expect(archived.items.map((i: { id: string }) => i.id)).toEqual([ids[3]]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { name: string }[]; nextCursor: string | null } = await (
        await request.get(`/api/customers?city=${city}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)
      ).json();
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((i) => i.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.items.map((i: { name: string }) => i.name));

    const search = await (await request.get(`/api/customers?q=${encodeURIComponent(`brav ${city.slice(0, 6)}`)}`)).json();
    expect(search.items.map((i: { name: string }) => i.name)).toContain(`Bravo ${city}`);
    expect(search.items.map((i: { name: string }) => i.name)).not.toContain(`Echo ${city}`);
  });

  test("bad and unknown parameters are 400s", async ({ request }) => {
    for (const query of ["ctiy=Oslo", "status=deleted", "limit=0", "limit=101", "limit=abc", "cursor=garbage", "city=a&city=b", "q=" + "q".repeat(201)]) {
      const response = await request.get(`/api/customers?${query}`);
      expect(response.status(), query).toBe(400);
      const body = (await response.json()) as ErrorBody;
      expect(body.error.code, query).toBe("validation_failed");
      expect(Object.keys(body.error.fieldErrors ?? {}).length, query).toBeGreaterThan(0);
    }
    const empty = await request.get("/api/customers?city=&q=&status=");
    expect(empty.status()).toBe(200);
  });
});

test.describe("GET /api/events", () => {
  test("pages through the log with the opaque cursor, without overlap", async ({ request }) => {
    const { streamId } = await createCustomer(request, uniqueName("Feed"), address());
    const first = await request.get("/api/events?limit=3");
    expect(first.status()).toBe(200);
    const page1 = await first.json();
    expect(page1.events).toHaveLength(3);
    expect(typeof page1.cursor).toBe("string");
    expect(Object.keys(page1.events[0]).sort()).toEqual(["data", "id", "metadata", "position", "schemaVersion", "streamId", "timestamp", "type", "version"]);
    const page2 = await (await request.get(`/api/events?limit=3&after=${encodeURIComponent(page1.cursor)}`)).json();
    const ids1 = page1.events.map((e: { id: string }) => e.id);
    for (const e of page2.events) expect(ids1).not.toContain(e.id);

    const everything: { streamId: string; type: string }[] = [];
    let after = "";
    for (let i = 0; i < 100; i++) {
      const page = await (await request.get(`/api/events?limit=500${after ? `&after=${encodeURIComponent(after)}` : ""}`)).json();
      everything.push(...page.events);
      if (page.events.length === 0) break;
      after = page.cursor;
    }
    expect(everything.some((e) => e.streamId === streamId)).toBe(true);
    const empty = await (await request.get(`/api/events?after=${encodeURIComponent(after)}`)).json();
    expect(empty).toEqual({ events: [], cursor: after });
  });

  test("filters by type", async ({ request }) => {
    const { id } = await createCustomer(request, uniqueName("Typed"), address());
    await request.post(`/api/customers/${id}/archive`, { data: {} });
    const page = await (await request.get("/api/events?type=CustomerArchived&limit=1000")).json();
    expect(page.events.length).toBeGreaterThan(0);
    for (const e of page.events) expect(e.type).toBe("CustomerArchived");
    const two = await (await request.get("/api/events?type=CustomerArchived,CustomerRenamed&limit=1000")).json();
    expect(new Set(two.events.map((e: { type: string }) => e.type)).has("CustomerRegistered")).toBe(false);
  });

  test("bad parameters are 400s", async ({ request }) => {
    for (const query of ["after=garbage", "limit=0", "limit=1001", "type=NoSuchEvent", "from=1"]) {
      const response = await request.get(`/api/events?${query}`);
      expect(response.status(), query).toBe(400);
      expect(["validation_failed", "invalid_cursor"], query).toContain(((await response.json()) as ErrorBody).error.code);
    }
  });
});

test.describe("stats and projections", () => {
  test("GET /api/stats/cities gives active and archived per city", async ({ request }) => {
    const city = `Statsville${Date.now()}`;
    const a = await createCustomer(request, uniqueName("Stat A"), address(city));
    const b = await createCustomer(request, uniqueName("Stat B"), address(city.toLowerCase()));
    await request.post(`/api/customers/${b.id}/archive`, { data: {} });
    await waitForRow(request, a.id);
    await expect
      .poll(async () => {
        const { cities } = await (await request.get("/api/stats/cities")).json();
        return cities.find((c: { city: string }) => c.city.toLowerCase() === city.toLowerCase());
      })
      .toMatchObject({ active: 1, archived: 1 });
    expect((await request.get("/api/stats/cities?x=1")).status()).toBe(400);
  });

  test("GET /api/projections and POST rebuild (202, progress visible, 404 for unknown)", async ({ request }) => {
    const list = await (await request.get("/api/projections")).json();
    expect(Array.isArray(list)).toBe(true);
    expect(list.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["customer_list", "customer_search", "city_totals"]));
    for (const p of list) {
      expect(p).toEqual(expect.objectContaining({ name: expect.any(String), position: expect.any(Number), headPosition: expect.any(Number), lag: expect.any(Number), status: expect.any(String) }));
    }
    const rebuild = await request.post("/api/projections/city_totals/rebuild");
    expect(rebuild.status()).toBe(202);
    await expect
      .poll(async () => {
        const now = await (await request.get("/api/projections")).json();
        return now.find((p: { name: string }) => p.name === "city_totals")?.status;
      }, { timeout: 20_000 })
      .toBe("running");
    const unknown = await request.post("/api/projections/no_such_projection/rebuild");
    expect(unknown.status()).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error.code).toBe("not_found");
  });
});
