import { z } from "zod";

/*
 * The Payment aggregate of the payments service: pure (zod only). Stream `Payment-<orderId>`,
 * published on `payments.Payment.<type>`. NOTE: events are storage contracts.
 *
 * The rule (documented in the README): each customer has a credit limit (PAYMENTS_CREDIT_LIMIT,
 * default 1,000.00). An order is captured when its total plus everything already captured for
 * that customer stays within the limit; otherwise it is declined with `credit_limit_exceeded`.
 * An order with a non-positive total is declined as `invalid_amount`.
 */

export const paymentEventSchemas = {
  PaymentCaptured: { schemaVersion: 1, schema: z.object({ orderId: z.string(), customerId: z.string(), amount: z.number() }).strict() },
  PaymentDeclined: {
    schemaVersion: 1,
    schema: z.object({ orderId: z.string(), customerId: z.string(), amount: z.number(), reason: z.string() }).strict(),
  },
};

export type PaymentEvent =
  | { type: "PaymentCaptured"; data: { orderId: string; customerId: string; amount: number } }
  | { type: "PaymentDeclined"; data: { orderId: string; customerId: string; amount: number; reason: string } };

export type PaymentCommand = {
  type: "SettleOrder";
  orderId: string;
  customerId: string;
  amount: number;
  /** Captured so far for this customer, and the customer's limit. */
  creditUsed: number;
  creditLimit: number;
};

export type PaymentState = { status: "none" } | { status: "captured" | "declined"; orderId: string; amount: number; reason?: string };

export const initialPaymentState = (): PaymentState => ({ status: "none" });

export function evolvePayment(state: PaymentState, event: { type: string; data: unknown }): PaymentState {
  const e = event as PaymentEvent;
  switch (e.type) {
    case "PaymentCaptured":
      return { status: "captured", orderId: e.data.orderId, amount: e.data.amount };
    case "PaymentDeclined":
      return { status: "declined", orderId: e.data.orderId, amount: e.data.amount, reason: e.data.reason };
    default:
      return state;
  }
}

/** Settle an order once: captured within the credit limit, declined beyond it; a second time, nothing. */
export function decidePayment(command: PaymentCommand, state: PaymentState): { ok: true; events: PaymentEvent[] } {
  if (state.status !== "none") return { ok: true, events: [] };
  const { orderId, customerId, amount } = command;
  if (!(amount > 0)) return { ok: true, events: [{ type: "PaymentDeclined", data: { orderId, customerId, amount, reason: "invalid_amount" } }] };
  if (Math.round((command.creditUsed + amount) * 100) > Math.round(command.creditLimit * 100)) {
    return { ok: true, events: [{ type: "PaymentDeclined", data: { orderId, customerId, amount, reason: "credit_limit_exceeded" } }] };
  }
  return { ok: true, events: [{ type: "PaymentCaptured", data: { orderId, customerId, amount } }] };
}

export const paymentStreamId = (orderId: string) => `Payment-${orderId}`;
