import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decideOrder, evolveOrder, initialOrderState, orderTotal, type OrderCommand, type OrderEvent, type Orderer, type OrderState } from "./order";

const alice: Orderer = {
  customerId: "c-1",
  status: "active",
  name: "Alice",
  address: { street: "1 Main St", city: "Boston", postalCode: "02101", country: null },
};
const place = (customer: Orderer | null = alice): OrderCommand => ({
  type: "PlaceOrder",
  orderId: "o-1",
  customer,
  lines: [{ sku: "tea", quantity: 3, unitPrice: 1.1 }],
});
const fold = (events: OrderEvent[]): OrderState =>
  events.reduce((state, event, i) => evolveOrder(state, { ...event, version: i + 1 }), initialOrderState());
const given = (...commands: OrderCommand[]) => {
  let events: OrderEvent[] = [];
  for (const command of commands) {
    const decision = decideOrder(command, fold(events));
    assert.ok(decision.ok);
    events = [...events, ...decision.events];
  }
  return fold(events);
};

describe("Order", () => {
  it("places an order with the shipping address copied and the total in cents", () => {
    const decision = decideOrder(place(), initialOrderState());
    assert.ok(decision.ok);
    assert.deepEqual(decision.events, [
      {
        type: "OrderPlaced",
        data: {
          orderId: "o-1",
          customerId: "c-1",
          lines: [{ sku: "tea", quantity: 3, unitPrice: 1.1 }],
          total: 3.3,
          shipTo: { name: "Alice", street: "1 Main St", city: "Boston", postalCode: "02101", country: null },
        },
      },
    ]);
    assert.equal(orderTotal([{ sku: "a", quantity: 3, unitPrice: 0.1 }]), 0.3);
  });

  for (const [status, code] of [["archived", "customer_archived"], ["erased", "customer_erased"]] as const) {
    it(`refuses a ${status} customer with ${code}`, () => {
      assert.deepEqual(decideOrder(place({ ...alice, status }), initialOrderState()), { ok: false, error: { code } });
    });
  }

  it("refuses a customer the directory does not know", () => {
    assert.deepEqual(decideOrder(place(null), initialOrderState()), { ok: false, error: { code: "customer_not_found" } });
  });

  it("places once: the same order again changes nothing", () => {
    assert.deepEqual(decideOrder(place(), given(place())), { ok: true, events: [] });
  });

  it("is paid once, and a paid order is not cancelled", () => {
    const paid = given(place(), { type: "MarkPaid", amount: 3.3 });
    assert.equal(paid.status, "paid");
    assert.deepEqual(decideOrder({ type: "MarkPaid", amount: 3.3 }, paid), { ok: true, events: [] });
    assert.deepEqual(decideOrder({ type: "CancelOrder", reason: "declined" }, paid), { ok: false, error: { code: "order_paid" } });
  });

  it("is cancelled once; paying or cancelling an unknown order says not_found", () => {
    const cancelled = given(place(), { type: "CancelOrder", reason: "payment declined" });
    assert.equal(cancelled.status, "cancelled");
    assert.deepEqual(decideOrder({ type: "CancelOrder", reason: "again" }, cancelled), { ok: true, events: [] });
    assert.deepEqual(decideOrder({ type: "MarkPaid", amount: 1 }, initialOrderState()), { ok: false, error: { code: "not_found" } });
  });
});
