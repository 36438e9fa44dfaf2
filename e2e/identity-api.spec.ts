import fs from "node:fs";
import http from "node:http";
import { request as playwrightRequest, type APIRequestContext } from "@playwright/test";
import { ROUTE_RULES, type RouteName } from "@/lib/auth/rules";
import { createCustomer, expect, test, uniqueName } from "./fixtures";
import { storageStateOf } from "./users";

/**
 * SPEC §7 over real HTTP: who may call what (a matrix over every route in ROUTE_RULES, so a new
 * route is covered as soon as it has a rule), cross-site and host rules, API keys, disabling a
 * user, and hostile input. Nothing refused may write: the log's newest position must not move.
 */

type Role = "anonymous" | "viewer" | "editor" | "admin";
const ROLES: Role[] = ["anonymous", "viewer", "editor", "admin"];
const RANK: Record<Role, number> = { anonymous: 0, viewer: 1, editor: 2, admin: 3 };
const baseURL = process.env.BASE_URL ?? "http://127.0.0.1:3000";
const address = { street: "1 Matrix Way", city: "Oslo" };

async function contextFor(role: Role): Promise<APIRequestContext> {
  const storageState = role === "anonymous" ? { cookies: [], origins: [] } : storageStateOf(role);
  return playwrightRequest.newContext({ baseURL, storageState });
}

/** The newest position in the log (0 when empty), read as the admin. */
async function logHead(admin: APIRequestContext): Promise<number> {
  const body = (await (await admin.get("/api/events/browse?limit=1")).json()) as { events: { position: number }[] };
  return body.events[0]?.position ?? 0;
}

/** Cookie header of a role's stored session, for raw requests (SSE, a foreign Host). */
function cookieOf(role: Exclude<Role, "anonymous">): string {
  const state = JSON.parse(fs.readFileSync(storageStateOf(role), "utf8")) as { cookies: { name: string; value: string }[] };
  return state.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
}

type Sample = { method: "GET" | "POST" | "PATCH" | "DELETE"; path: string; data?: unknown; ok: number };

/** A valid request for each route, made fresh per attempt (a successful archive needs a new customer). */
async function sampleFor(route: RouteName, admin: APIRequestContext): Promise<Sample | null> {
  const customer = () => createCustomer(admin, uniqueName("Matrix"), address);
  const [method, pattern] = route.split(" ") as [Sample["method"], string];
  const path = async (): Promise<string> => {
    if (pattern.includes("[id]") && pattern.startsWith("/api/customers")) {
      const { id } = await customer();
      // The read table follows the log: a read of the new customer waits until it is projected.
      if (method === "GET") await expect.poll(async () => (await admin.get(`/api/customers/${id}`)).status(), { timeout: 10_000 }).toBe(200);
      return pattern.replace("[id]", id);
    }
    if (pattern.includes("[streamId]")) {
      const c = await customer();
      await admin.post(`/api/customers/${c.id}/rename`, { data: { name: uniqueName("Second version") } });
      return pattern.replace("[streamId]", c.streamId);
    }
    if (pattern.includes("[name]")) return pattern.replace("[name]", "customer_list").replace("[position]", "1");
    if (pattern === "/api/admin/users/[id]") {
      const user = await admin.post("/api/admin/users", { data: { email: `${uniqueName("m").replace(/\W/g, "")}@example.com`, name: "Matrix User", password: "matrix password 1", role: "viewer" } });
      return pattern.replace("[id]", ((await user.json()) as { id: string }).id);
    }
    if (pattern === "/api/admin/api-keys/[id]") {
      const key = await admin.post("/api/admin/api-keys", { data: { name: "matrix key", role: "viewer" } });
      return pattern.replace("[id]", ((await key.json()) as { id: string }).id);
    }
    return pattern;
  };
  const query: Record<string, string> = {
    "GET /api/streams/[streamId]/state": "?version=1",
    "GET /api/streams/[streamId]/compare": "?from=1&to=2",
    "GET /api/streams/[streamId]/history": "?field=name",
    "GET /api/customers/names": "?q=Ma",
  };
  const data: Partial<Record<RouteName, unknown>> = {
    "POST /api/customers": { name: uniqueName("Matrix"), address },
    "POST /api/customers/[id]/rename": { name: uniqueName("Renamed") },
    "POST /api/customers/[id]/address": { address: { street: "2 Matrix Way", city: "Bergen" } },
    "POST /api/customers/[id]/archive": {},
    "POST /api/projections/[name]/rebuild": {},
    "POST /api/admin/users": { email: `${uniqueName("new").replace(/\W/g, "")}@example.com`, name: "New User", password: "new user password", role: "viewer" },
    "PATCH /api/admin/users/[id]": { role: "editor" },
    "POST /api/customers/[id]/contact": { email: "matrix@example.com" },
    "POST /api/customers/[id]/erase": { reason: "matrix test" },
    "POST /api/projections/[name]/parked/[position]/retry": {},
    "POST /api/projections/[name]/parked/[position]/skip": {},
    "POST /api/admin/api-keys": { name: "matrix key", role: "viewer" },
    "POST /api/streams/[streamId]/what-if": { version: 1, command: { type: "RenameCustomer", name: uniqueName("What if") } },
  };
  // No poison event exists in the e2e app: the right role reaches the route, which says 404.
  const ok: Partial<Record<RouteName, number>> = {
    "POST /api/projections/[name]/parked/[position]/retry": 404,
    "POST /api/projections/[name]/parked/[position]/skip": 404, "POST /api/customers": 201, "POST /api/projections/[name]/rebuild": 202, "POST /api/admin/users": 201, "POST /api/admin/api-keys": 201, "DELETE /api/admin/api-keys/[id]": 204 };
  return { method, path: (await path()) + (query[route] ?? ""), data: data[route], ok: ok[route] ?? 200 };
}

async function send(context: APIRequestContext, sample: Sample) {
  const options = sample.data === undefined ? {} : { data: sample.data };
  return context.fetch(sample.path, { method: sample.method, ...options });
}

test.describe("role × route matrix", () => {
  const routes = (Object.keys(ROUTE_RULES) as RouteName[]).filter((r) => ROUTE_RULES[r] !== "public" && r !== "GET /api/live");
  for (const route of routes) {
    test(`${route} (${ROUTE_RULES[route]})`, async ({ request: admin }) => {
      const needed = ROUTE_RULES[route] as Exclude<Role, "anonymous">;
      for (const role of ROLES) {
        const sample = (await sampleFor(route, admin))!;
        const context = await contextFor(role);
        const before = await logHead(admin);
        const response = await send(context, sample);
        const expected = role === "anonymous" ? 401 : RANK[role] < RANK[needed] ? 403 : sample.ok;
        expect(response.status(), `${role} → ${route}: ${await response.text()}`).toBe(expected);
        if (expected === 401 || expected === 403) {
          expect(((await response.json()) as { error: { code: string } }).error.code).toBe(expected === 401 ? "unauthenticated" : "forbidden");
          expect(await logHead(admin), `${role} wrote nothing`).toBe(before);
        }
        await context.dispose();
      }
    });
  }

  test("GET /api/live: 401 anonymous, a stream for a viewer", async () => {
    const anonymous = await fetch(`${baseURL}/api/live`);
    expect(anonymous.status).toBe(401);
    const abort = new AbortController();
    const viewer = await fetch(`${baseURL}/api/live`, { headers: { cookie: cookieOf("viewer") }, signal: abort.signal });
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get("content-type")).toContain("text/event-stream");
    abort.abort();
  });

  test("pages send a signed-out visitor to /login with next, and a viewer away from /admin/users", async () => {
    for (const page of ["/", "/customers", "/events", "/projections", "/admin/users", "/customers/0192e0a8-0000-7000-8000-000000000000/timeline?v=2"]) {
      const response = await fetch(`${baseURL}${page}`, { redirect: "manual" });
      expect([307, 308], page).toContain(response.status);
      const location = new URL(response.headers.get("location")!, baseURL);
      expect(location.pathname, page).toBe("/login");
      expect(location.searchParams.get("next"), page).toBe(page);
    }
    const viewer = await fetch(`${baseURL}/admin/users`, { headers: { cookie: cookieOf("viewer") }, redirect: "manual" });
    expect(viewer.status).toBe(403);
  });

  test("the icon answers signed-out visitors at /icon.svg and /favicon.ico (a browser's own request must not log a 404)", async () => {
    for (const path of ["/icon.svg", "/favicon.ico"]) {
      const response = await fetch(`${baseURL}${path}`, { redirect: "manual" });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type"), path).toContain("image/svg+xml");
      expect(await response.text(), path).toContain("<svg");
    }
  });
});

test.describe("cross-site and host rules", () => {
  test("with a valid session cookie, cross-site writes are refused and the log is unchanged", async ({ request: admin }) => {
    const cookie = cookieOf("admin");
    const before = await logHead(admin);
    const attempts: [string, RequestInit, number, string][] = [
      ["text/plain body", { body: JSON.stringify({ name: "Csrf", address }), headers: { "content-type": "text/plain" } }, 415, "unsupported_media_type"],
      ["form-encoded rebuild", { body: "x=1", headers: { "content-type": "application/x-www-form-urlencoded" } }, 415, "unsupported_media_type"],
      ["JSON with a foreign Origin", { body: JSON.stringify({ name: "Csrf", address }), headers: { "content-type": "application/json", origin: "https://evil.example" } }, 403, "csrf"],
      ["Sec-Fetch-Site: cross-site", { body: JSON.stringify({ name: "Csrf", address }), headers: { "content-type": "application/json", "sec-fetch-site": "cross-site" } }, 403, "csrf"],
    ];
    for (const [label, init, status, code] of attempts) {
      const path = label.includes("rebuild") ? "/api/projections/customer_list/rebuild" : "/api/customers";
      const response = await fetch(`${baseURL}${path}`, { method: "POST", ...init, headers: { ...(init.headers as Record<string, string>), cookie } });
      expect(response.status, label).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code, label).toBe(code);
    }
    expect(await logHead(admin)).toBe(before);
    const projections = (await (await admin.get("/api/projections")).json()) as { name: string; status: string }[];
    expect(projections.find((p) => p.name === "customer_list")?.status).not.toBe("rebuilding");
  });

  test("a request naming a foreign Host is refused", async () => {
    const url = new URL(baseURL);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: url.hostname, port: url.port, path: "/api/customers", headers: { host: "evil.example", cookie: cookieOf("admin") } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      req.end();
    });
    expect(status).toBe(421);
  });
});

test.describe("API keys and users", () => {
  test("a key is shown once, stored hashed, acts with exactly its role, and is refused at once when revoked", async ({ request: admin }) => {
    const created = await admin.post("/api/admin/api-keys", { data: { name: uniqueName("svc"), role: "viewer" } });
    expect(created.status()).toBe(201);
    const key = (await created.json()) as { id: string; key: string; role: string };
    expect(key.role).toBe("viewer");
    expect(JSON.stringify(await (await admin.get("/api/admin/api-keys")).json())).not.toContain(key.key);
    const bearer = { authorization: `Bearer ${key.key}` };
    const me = await fetch(`${baseURL}/api/me`, { headers: bearer });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { role: string }).role).toBe("viewer");
    const write = await fetch(`${baseURL}/api/customers`, { method: "POST", headers: { ...bearer, "content-type": "text/plain" }, body: JSON.stringify({ name: "By key", address }) });
    expect(write.status, "a viewer key may not write").toBe(403);
    expect((await admin.delete(`/api/admin/api-keys/${key.id}`)).status()).toBe(204);
    expect((await fetch(`${baseURL}/api/me`, { headers: bearer })).status).toBe(401);
  });

  test("an editor key's events name the key, whatever X-Actor says", async ({ request: admin }) => {
    const key = (await (await admin.post("/api/admin/api-keys", { data: { name: uniqueName("writer"), role: "editor" } })).json()) as { id: string; key: string };
    const response = await fetch(`${baseURL}/api/customers`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json", "x-actor": "someone-else" },
      body: JSON.stringify({ name: uniqueName("Keyed"), address }),
    });
    expect(response.status).toBe(201);
    const { streamId } = (await response.json()) as { streamId: string };
    const events = (await (await admin.get(`/api/streams/${streamId}/events`)).json()) as { events: { metadata: { actor: string } }[] };
    expect(events.events[0].metadata.actor).toBe(`key:${key.id}`);
  });

  test("disabling a user ends their session on the next request", async ({ request: admin }) => {
    const email = `${uniqueName("dis").replace(/\W/g, "")}@example.com`;
    const user = (await (await admin.post("/api/admin/users", { data: { email, name: "Soon Disabled", password: "disable me please", role: "editor" } })).json()) as { id: string };
    const session = await playwrightRequest.newContext({ baseURL });
    const signIn = await session.post("/api/auth/sign-in/email", { data: { email, password: "disable me please" }, headers: { origin: baseURL } });
    expect(signIn.status(), await signIn.text()).toBe(200);
    expect((await session.get("/api/me")).status()).toBe(200);
    expect((await admin.patch(`/api/admin/users/${user.id}`, { data: { disabled: true } })).status()).toBe(200);
    expect((await session.get("/api/me")).status()).toBe(401);
    await session.dispose();
  });

  test("sign-in attempts are limited per account", async () => {
    const session = await playwrightRequest.newContext({ baseURL });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await session.post("/api/auth/sign-in/email", { data: { email: "nobody-here@example.com", password: `wrong ${i}` }, headers: { origin: baseURL } });
      statuses.push(r.status());
    }
    expect(statuses.slice(0, 10).every((s) => s === 401), statuses.join(",")).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    await session.dispose();
  });
});

test.describe("hostile input", () => {
  test("NUL, lone surrogates, %00, an oversized cursor and deep nesting get a 400 and write nothing", async ({ request: admin }) => {
    const before = await logHead(admin);
    const bodies = ['{"name":"a\\u0000b","address":{"street":"x","city":"y"}}', '{"name":"\\ud800","address":{"street":"x","city":"y"}}', '{"name":' + "[".repeat(2000) + "]".repeat(2000) + "}"];
    for (const body of bodies) {
      const response = await admin.post("/api/customers", { data: body, headers: { "content-type": "application/json" } });
      expect(response.status(), body.slice(0, 40)).toBe(400);
    }
    for (const path of ["/api/customers?q=a%00b", "/api/events?after=99999999999999999999_1", "/api/events/browse?stream=Customer-%00"]) {
      expect((await admin.get(path)).status(), path).toBe(400);
    }
    expect(await logHead(admin)).toBe(before);
  });

  test("an upper-case customer id is the same customer for reads and writes", async ({ request: admin }) => {
    const created = await createCustomer(admin, uniqueName("Upper"), address);
    const upper = created.id.toUpperCase();
    // The read table follows the log: the new row may take a moment to appear.
    await expect.poll(async () => (await admin.get(`/api/customers/${upper}`)).status(), { timeout: 10_000 }).toBe(200);
    const renamed = await admin.post(`/api/customers/${upper}/rename`, { data: { name: uniqueName("Upper renamed") } });
    expect(renamed.status(), await renamed.text()).toBe(200);
  });

  test("an idempotency key reused by another caller is another command", async ({ request: admin }) => {
    const key = `shared-${uniqueName("k").replace(/\W/g, "")}`;
    const first = await admin.post("/api/customers", { data: { name: uniqueName("First"), address }, headers: { "idempotency-key": key } });
    expect(first.status()).toBe(201);
    const editor = await contextFor("editor");
    const second = await editor.post("/api/customers", { data: { name: uniqueName("Second"), address }, headers: { "idempotency-key": key } });
    expect(second.status()).toBe(201);
    expect(((await second.json()) as { id: string }).id).not.toBe(((await first.json()) as { id: string }).id);
    await editor.dispose();
  });
});
