import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { crossSiteRefusal } from "./csrf";
import { hostAllowed, sameOrigin } from "./origin";
import { AttemptLimiter } from "./sign-in-limit";

const h = (init: Record<string, string>) => new Headers({ host: "127.0.0.1:3000", ...init });

describe("cross-site rules for cookie-authenticated writes", () => {
  it("lets same-origin JSON through", () => {
    assert.equal(crossSiteRefusal("POST", h({ origin: "http://127.0.0.1:3000", "content-type": "application/json; charset=utf-8" }), true), null);
  });
  it("refuses text/plain and form bodies with 415", () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      assert.equal(crossSiteRefusal("POST", h({ "content-type": type, "content-length": "3" }), true)?.status, 415, type);
    }
    assert.equal(crossSiteRefusal("POST", h({ "content-length": "12" }), true)?.status, 415, "a body without a content type");
    assert.equal(crossSiteRefusal("POST", h({ "content-length": "0" }), true), null, "no body at all (an archive without options)");
  });
  it("refuses a foreign Origin and Sec-Fetch-Site cross-site with 403 csrf", () => {
    const json = { "content-type": "application/json" };
    assert.equal(crossSiteRefusal("POST", h({ ...json, origin: "https://evil.example" }), true)?.code, "csrf");
    assert.equal(crossSiteRefusal("POST", h({ ...json, origin: "http://127.0.0.1:4000" }), true)?.code, "csrf", "another port is another origin");
    assert.equal(crossSiteRefusal("DELETE", h({ "sec-fetch-site": "cross-site" }), true)?.code, "csrf");
  });
  it("does not apply to reads or to bearer keys", () => {
    assert.equal(crossSiteRefusal("GET", h({ origin: "https://evil.example" }), true), null);
    assert.equal(crossSiteRefusal("POST", h({ "content-type": "text/plain", origin: "https://evil.example" }), false), null);
  });
});

describe("host allowlist", () => {
  it("takes loopback names only when APP_ORIGIN is unset", () => {
    for (const host of ["localhost:3000", "127.0.0.1", "[::1]:3000", "LOCALHOST"]) assert.ok(hostAllowed(host, {}), host);
    for (const host of ["evil.example", "127.0.0.1.evil.example", "localhost.evil.example:3000", ""]) assert.ok(!hostAllowed(host, {}), host);
    assert.ok(!hostAllowed(null, {}));
  });
  it("takes exactly APP_ORIGIN's host when set", () => {
    const env = { APP_ORIGIN: "https://ledger.example.com" };
    assert.ok(hostAllowed("ledger.example.com", env));
    assert.ok(!hostAllowed("localhost:3000", env));
    assert.ok(sameOrigin("https://ledger.example.com", "ledger.example.com", env));
    assert.ok(!sameOrigin("http://ledger.example.com", "ledger.example.com", env));
  });
});

describe("sign-in attempt limiter", () => {
  it("allows max attempts per window, then says how long to wait, then allows again", () => {
    let now = 0;
    const limiter = new AttemptLimiter(3, 10_000, () => now);
    assert.deepEqual([1, 2, 3].map(() => limiter.hit("a@x")), [0, 0, 0]);
    assert.equal(limiter.hit("a@x"), 10);
    assert.equal(limiter.hit("b@x"), 0, "another account is not limited");
    now = 10_001;
    assert.equal(limiter.hit("a@x"), 0);
  });
});
