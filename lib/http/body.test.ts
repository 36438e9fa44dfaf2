import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { MAX_BODY_BYTES, parseWith, readJsonObject } from "./body";
import { commandHeaders, scopedCommandId } from "./command";
import type { Principal } from "@/lib/auth/roles";
import { HttpError } from "./errors";
import { parseQuery } from "./query";
import { decodeCursor } from "@/lib/eventstore/cursor";

/** The error body a thrown HttpError would answer with. */
async function rejection(promise: Promise<unknown> | (() => unknown)) {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    assert.ok(error instanceof HttpError, `expected an HttpError, got ${String(error)}`);
    return { status: error.response.status, body: (await error.response.json()) as { error: { code: string; message: string; fieldErrors?: Record<string, string[]> } } };
  }
  assert.fail("expected a rejection");
}

const post = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request("http://test/api/customers", { method: "POST", body, headers, duplex: "half" } as RequestInit);

/** A body without Content-Length, delivered in chunks (as a chunked upload would be). */
function chunked(totalBytes: number, chunk = 8192): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= totalBytes) return controller.close();
      const size = Math.min(chunk, totalBytes - sent);
      sent += size;
      controller.enqueue(new Uint8Array(size).fill(0x61));
    },
  });
}

describe("readJsonObject", () => {
  it("returns the parsed object", async () => {
    assert.deepEqual(await readJsonObject(post('{"name":"Ada","n":1}')), { name: "Ada", n: 1 });
  });

  it("rejects malformed JSON with 400 invalid_json and the parser's reason", async () => {
    const { status, body } = await rejection(readJsonObject(post('{"name":')));
    assert.equal(status, 400);
    assert.equal(body.error.code, "invalid_json");
    assert.match(body.error.message, /not valid JSON/);
  });

  it("rejects invalid UTF-8 as invalid_json", async () => {
    const { body } = await rejection(readJsonObject(post(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]))));
    assert.equal(body.error.code, "invalid_json");
  });

  it("rejects an empty body unless the command allows it", async () => {
    assert.equal((await rejection(readJsonObject(post(null)))).body.error.code, "invalid_json");
    assert.deepEqual(await readJsonObject(post(""), { allowEmpty: true }), {});
    assert.deepEqual(await readJsonObject(post(null), { allowEmpty: true }), {});
  });

  it("rejects JSON that is not an object with validation_failed", async () => {
    for (const text of ["[]", "null", "3", '"x"']) {
      const { status, body } = await rejection(readJsonObject(post(text)));
      assert.equal(status, 400, text);
      assert.equal(body.error.code, "validation_failed", text);
    }
  });

  it("refuses a declared Content-Length over 64 KiB before reading", async () => {
    const body = chunked(10);
    const { status, body: error } = await rejection(readJsonObject(post(body, { "content-length": String(MAX_BODY_BYTES + 1) })));
    assert.equal(status, 400);
    assert.equal(error.error.code, "body_too_large");
  });

  it("stops reading a chunked body at the first byte over the limit", async () => {
    let pulled = 0;
    const source = chunked(10 * MAX_BODY_BYTES);
    const reader = source.getReader();
    const counted = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        pulled += value.byteLength;
        controller.enqueue(value);
      },
    });
    const { body } = await rejection(readJsonObject(post(counted)));
    assert.equal(body.error.code, "body_too_large");
    assert.ok(pulled <= MAX_BODY_BYTES + 8192 * 2, `read ${pulled} bytes of a 640 KiB body`);
  });

  it("accepts exactly 64 KiB", async () => {
    const text = JSON.stringify({ s: "a".repeat(MAX_BODY_BYTES - 8) });
    assert.equal(Buffer.byteLength(text), MAX_BODY_BYTES);
    assert.equal(((await readJsonObject(post(text))) as { s: string }).s.length, MAX_BODY_BYTES - 8);
    await rejection(readJsonObject(post(`${text} `)));
  });
});

describe("parseWith", () => {
  it("keys field errors by dot path and names unknown keys", async () => {
    const schema = z.object({ address: z.object({ city: z.string() }).strict() }).strict();
    const { body } = await rejection(() => parseWith(schema, { address: { city: 1, zip: "x" }, more: 1 }));
    assert.equal(body.error.code, "validation_failed");
    assert.deepEqual(Object.keys(body.error.fieldErrors ?? {}).sort(), ["address.city", "address.zip", "more"]);
    assert.deepEqual(body.error.fieldErrors?.more, ["Unknown field"]);
  });
});

describe("commandHeaders", () => {
  const ana: Principal = { kind: "user", id: "u1", actor: "user:u1", role: "editor", name: "Ana", email: "ana@x.test", viaCookie: true };
  const bo: Principal = { ...ana, id: "u2", actor: "user:u2" };
  const ep = "POST /api/customers/[id]/rename";
  const headersOf = (request: Request, body: Record<string, unknown>, who = ana, endpoint = ep) => commandHeaders(request, body, who, endpoint);

  it("takes the Idempotency-Key header over commandId in the body, and removes commandId from the body", () => {
    const body: Record<string, unknown> = { name: "x", commandId: "from-body" };
    const headers = headersOf(post(null, { "idempotency-key": "from-header" }), body);
    assert.equal(headers.commandId, scopedCommandId("user:u1", ep, "from-header"));
    assert.deepEqual(body, { name: "x" });
  });

  it("falls back to commandId in the body, and to no key at all", () => {
    assert.equal(headersOf(post(null), { commandId: "abc-1" }).commandId, scopedCommandId("user:u1", ep, "abc-1"));
    assert.equal(headersOf(post(null), {}).commandId, undefined);
  });

  it("scopes a key to the caller and the endpoint", () => {
    const key = () => ({ commandId: "same-key" });
    const mine = headersOf(post(null), key()).commandId;
    assert.notEqual(headersOf(post(null), key(), bo).commandId, mine, "another caller");
    assert.notEqual(headersOf(post(null), key(), ana, "POST /api/customers/[id]/address").commandId, mine, "another endpoint");
    assert.equal(headersOf(post(null), key()).commandId, mine, "same caller, same endpoint");
  });

  it("records the caller as actor whatever X-Actor says, and carries X-Request-Id as correlation", () => {
    const headers = headersOf(post(null, { "x-actor": "someone-else", "x-request-id": "req-42" }), {});
    assert.equal(headers.actor, "user:u1");
    assert.equal(headers.correlationId, "req-42");
    assert.match(headersOf(post(null), {}).correlationId, /^[0-9a-f-]{36}$/, "a new correlation id when none is given");
  });

  it("rejects keys that are not 1–200 printable ASCII characters, and a causation id that is not an event id", async () => {
    for (const key of ["with space", "x".repeat(201), "tab\there"]) {
      const { body } = await rejection(() => headersOf(post(null, { "idempotency-key": key }), {}));
      assert.ok(body.error.fieldErrors?.["Idempotency-Key"], key);
    }
    const { body } = await rejection(() => headersOf(post(null), { commandId: 42 }));
    assert.ok(body.error.fieldErrors?.commandId);
    const causation = await rejection(() => headersOf(post(null, { "x-causation-id": "not-an-event" }), {}));
    assert.ok(causation.body.error.fieldErrors?.["X-Causation-Id"]);
  });
});

describe("parseQuery", () => {
  const schema = z.object({ city: z.string().optional() }).strict();
  it("rejects unknown and repeated parameters", async () => {
    const unknown = await rejection(() => parseQuery(new Request("http://t/x?ctiy=Oslo"), schema));
    assert.deepEqual(unknown.body.error.fieldErrors, { ctiy: ["Unknown parameter"] });
    const repeated = await rejection(() => parseQuery(new Request("http://t/x?city=a&city=b"), schema));
    assert.deepEqual(repeated.body.error.fieldErrors, { city: ["Given more than once"] });
  });
  it("parses known parameters", () => {
    assert.deepEqual(parseQuery(new Request("http://t/x?city=Oslo"), schema), { city: "Oslo" });
  });
});

describe("hostile input is a 400, never a database error", () => {
  it("refuses a NUL or a lone surrogate in any JSON string or key", async () => {
    for (const text of ['{"name":"a\\u0000b"}', '{"address":{"city":"\\ud800"}}', '{"name":"\\udc00x"}', '{"a\\u0000":1}']) {
      const { status, body } = await rejection(() => readJsonObject(post(text)));
      assert.equal(status, 400, text);
      assert.equal(body.error.code, "validation_failed", text);
      assert.match(body.error.message, /NUL|surrogate/);
    }
    assert.deepEqual(await readJsonObject(post('{"name":"emoji \\ud83d\\ude00 ok"}')), { name: "emoji 😀 ok" }, "a paired surrogate is fine");
  });

  it("refuses JSON nested deeper than the limit", async () => {
    const deep = '{"a":'.repeat(5000) + "1" + "}".repeat(5000);
    const { status, body } = await rejection(() => readJsonObject(post(deep)));
    assert.equal(status, 400);
    assert.match(body.error.message, /nested deeper/);
  });

  it("refuses %00 in a query parameter", async () => {
    const schema = z.object({ q: z.string().optional() }).strict();
    const { status, body } = await rejection(() => parseQuery(new Request("http://t/x?q=a%00b"), schema));
    assert.equal(status, 400);
    assert.ok(body.error.fieldErrors?.q);
  });

  it("refuses a feed cursor whose transaction id does not fit in 64 bits", () => {
    assert.equal(decodeCursor("18446744073709551616_1"), null);
    assert.deepEqual(decodeCursor("18446744073709551615_1"), { transactionId: "18446744073709551615", position: 1 });
  });
});
