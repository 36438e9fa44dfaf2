import assert from "node:assert/strict";
import { it } from "node:test";
import type { Principal } from "./roles";
import { forgetVerifiedKeys, KEY_TTL_MS, verifiedKey } from "./verified-keys";

// The remembered API-key verifications: reuse within the TTL, never a refusal, forgotten at once
// when the app revokes, per auth instance.

const principal = (id: string): Principal => ({ kind: "key", id, actor: `key:${id}`, role: "viewer", name: "svc", email: null, viaCookie: false });

/** A verifier that counts its calls and answers what `answers` holds for the key. */
function verifier(answers: Map<string, Principal | null>) {
  const calls: string[] = [];
  return {
    calls,
    verify: (key: string) => async () => {
      calls.push(key);
      return answers.get(key) ?? null;
    },
  };
}

it("verifies a key once within the TTL, then again after it", async () => {
  const owner = {};
  let clock = 1_000;
  const now = () => clock;
  const v = verifier(new Map([["ledger_a", principal("a")]]));
  assert.equal((await verifiedKey(owner, "ledger_a", v.verify("ledger_a"), now))?.id, "a");
  clock += KEY_TTL_MS - 1;
  assert.equal((await verifiedKey(owner, "ledger_a", v.verify("ledger_a"), now))?.id, "a");
  assert.equal(v.calls.length, 1, "within the TTL the key is not verified again");
  clock += 1;
  assert.equal((await verifiedKey(owner, "ledger_a", v.verify("ledger_a"), now))?.id, "a");
  assert.equal(v.calls.length, 2, "past the TTL it is");
});

it("shares one verification between concurrent requests and freezes what it remembers", async () => {
  const owner = {};
  const v = verifier(new Map([["ledger_b", principal("b")]]));
  const [one, two] = await Promise.all([verifiedKey(owner, "ledger_b", v.verify("ledger_b")), verifiedKey(owner, "ledger_b", v.verify("ledger_b"))]);
  assert.equal(v.calls.length, 1);
  assert.equal(one, two);
  assert.ok(Object.isFrozen(one), "a remembered principal cannot be changed by one request for the next");
});

it("never remembers a refusal or a failure: a key that becomes valid works at once", async () => {
  const owner = {};
  const answers = new Map<string, Principal | null>();
  const v = verifier(answers);
  assert.equal(await verifiedKey(owner, "ledger_c", v.verify("ledger_c")), null);
  answers.set("ledger_c", principal("c"));
  assert.equal((await verifiedKey(owner, "ledger_c", v.verify("ledger_c")))?.id, "c");
  assert.equal(v.calls.length, 2);
  await assert.rejects(verifiedKey(owner, "ledger_d", async () => Promise.reject(new Error("database away"))), /database away/);
  const d = verifier(new Map([["ledger_d", principal("d")]]));
  assert.equal((await verifiedKey(owner, "ledger_d", d.verify("ledger_d")))?.id, "d", "a failed verification is not remembered");
});

it("forgets every key of an instance at once, and only that instance's", async () => {
  const owner = {};
  const other = {};
  const v = verifier(new Map([["ledger_e", principal("e")]]));
  await verifiedKey(owner, "ledger_e", v.verify("ledger_e"));
  await verifiedKey(other, "ledger_e", v.verify("ledger_e"));
  assert.equal(v.calls.length, 2, "instances (databases) do not share what they verified");
  forgetVerifiedKeys(owner);
  await verifiedKey(owner, "ledger_e", v.verify("ledger_e"));
  await verifiedKey(other, "ledger_e", v.verify("ledger_e"));
  assert.deepEqual(v.calls.length, 3, "the owner verifies again; the other still remembers");
});
