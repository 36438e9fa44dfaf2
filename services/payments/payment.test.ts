import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decidePayment, evolvePayment, initialPaymentState, type PaymentCommand } from "./payment";

const settle = (amount: number, creditUsed = 0, creditLimit = 1000): PaymentCommand => ({
  type: "SettleOrder",
  orderId: "o-1",
  customerId: "c-1",
  amount,
  creditUsed,
  creditLimit,
});

describe("Payment", () => {
  it("captures an order within the customer's remaining credit (the limit itself included)", () => {
    assert.deepEqual(decidePayment(settle(400, 600), initialPaymentState()).events, [
      { type: "PaymentCaptured", data: { orderId: "o-1", customerId: "c-1", amount: 400 } },
    ]);
  });

  it("declines an order beyond the remaining credit with credit_limit_exceeded", () => {
    assert.deepEqual(decidePayment(settle(400.01, 600), initialPaymentState()).events, [
      { type: "PaymentDeclined", data: { orderId: "o-1", customerId: "c-1", amount: 400.01, reason: "credit_limit_exceeded" } },
    ]);
  });

  it("declines a non-positive amount", () => {
    assert.equal(decidePayment(settle(0), initialPaymentState()).events[0].type, "PaymentDeclined");
  });

  it("settles an order once: the same order again changes nothing", () => {
    const [captured] = decidePayment(settle(10), initialPaymentState()).events;
    const state = evolvePayment(initialPaymentState(), captured);
    assert.equal(state.status, "captured");
    assert.deepEqual(decidePayment(settle(10), state).events, []);
  });
});
