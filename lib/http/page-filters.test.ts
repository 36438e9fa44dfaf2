import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { badFiltersPage, pageFilterProblems } from "./page-filters";

const q = (text: string) => new URLSearchParams(text);

describe("pageFilterProblems", () => {
  it("says what a bad status must be, in words", () => {
    assert.deepEqual(pageFilterProblems("/customers", q("status=bogus")), ["Status must be Active, Archived or All"]);
  });

  it("names the known event types for a bad type, without zod paths", () => {
    const [problem] = pageFilterProblems("/events", q("type=Bogus")) ?? [];
    assert.match(problem, /^Event type must be one of (Customer[A-Za-z]+, )+Customer[A-Za-z]+$/);
    assert.doesNotMatch(problem, /type\.0/);
  });

  it("refuses a list cursor the list did not make", () => {
    assert.deepEqual(pageFilterProblems("/customers", q("cursor=abc")), ["The page cursor in this link is not one the list made"]);
  });

  it("passes good filters, unknown client parameters and pages without filters", () => {
    assert.equal(pageFilterProblems("/customers", q("status=archived&city=Oslo&live=paused")), null);
    assert.equal(pageFilterProblems("/events", q("type=CustomerRenamed")), null);
    assert.equal(pageFilterProblems("/customers/abc", q("status=bogus")), null);
  });

  it("escapes what it echoes into the page", () => {
    assert.doesNotMatch(badFiltersPage("/customers", ["<script>"]), /<script>/);
  });
});
