import { z } from "zod";

/*
 * The Order aggregate of the orders service: pure (zod only). Its stream is `Order-<orderId>`,
 * and it is also the process manager's state: the payment saga advances it with OrderPaid or
 * OrderCancelled. NOTE: events are storage contracts (published on `orders.Order.<type>`).
 */

export const orderLineSchema = z
  .object({
    sku: z.string().trim().min(1, "SKU is required").max(64),
    quantity: z.number().int("Quantity must be a whole number").min(1).max(1000),
    unitPrice: z.number().min(0).max(1_000_000),
  })
  .strict();
export type OrderLine = z.infer<typeof orderLineSchema>;

export const shipToSchema = z
  .object({ name: z.string(), street: z.string(), city: z.string(), postalCode: z.string().nullable(), country: z.string().nullable() })
  .strict();
export type ShipTo = z.infer<typeof shipToSchema>;

export const orderEventSchemas = {
  OrderPlaced: {
    schemaVersion: 1,
    schema: z
      .object({ orderId: z.string(), customerId: z.string(), lines: z.array(orderLineSchema).min(1), total: z.number(), shipTo: shipToSchema })
      .strict(),
    personal: ["shipTo.name", "shipTo.street", "shipTo.postalCode"],
  },
  OrderPaid: { schemaVersion: 1, schema: z.object({ orderId: z.string(), amount: z.number() }).strict() },
  OrderCancelled: { schemaVersion: 1, schema: z.object({ orderId: z.string(), reason: z.string() }).strict() },
};

export type OrderEvent =
  | { type: "OrderPlaced"; data: z.infer<typeof orderEventSchemas.OrderPlaced.schema> }
  | { type: "OrderPaid"; data: { orderId: string; amount: number } }
  | { type: "OrderCancelled"; data: { orderId: string; reason: string } };

/** The orderer as the directory knows them when the order is placed. */
export interface Orderer {
  customerId: string;
  status: "active" | "archived" | "erased";
  name: string;
  address: { street: string; city: string; postalCode: string | null; country: string | null };
}

export type OrderCommand =
  | { type: "PlaceOrder"; orderId: string; customer: Orderer | null; lines: OrderLine[] }
  | { type: "MarkPaid"; amount: number }
  | { type: "CancelOrder"; reason: string };

export type OrderState =
  | { status: "none" }
  | { status: "placed" | "paid" | "cancelled"; orderId: string; customerId: string; total: number; version: number };

export type OrderError =
  | { code: "customer_not_found" }
  | { code: "customer_archived" }
  | { code: "customer_erased" }
  | { code: "already_exists" }
  | { code: "not_found" }
  | { code: "order_paid" };

export const initialOrderState = (): OrderState => ({ status: "none" });

/** Sum of quantity × unit price, in cents rounded half up, back to units. */
export const orderTotal = (lines: readonly OrderLine[]) =>
  Math.round(lines.reduce((sum, line) => sum + line.quantity * line.unitPrice * 100, 0)) / 100;

export function evolveOrder(state: OrderState, event: { type: string; data: unknown; version: number }): OrderState {
  const e = event as OrderEvent & { version: number };
  switch (e.type) {
    case "OrderPlaced":
      return { status: "placed", orderId: e.data.orderId, customerId: e.data.customerId, total: e.data.total, version: event.version };
    case "OrderPaid":
      return state.status === "none" ? state : { ...state, status: "paid", version: event.version };
    case "OrderCancelled":
      return state.status === "none" ? state : { ...state, status: "cancelled", version: event.version };
    default:
      return state; // an unknown (newer) event type: a fact we cannot read yet, never a throw.
  }
}

type Decision = { ok: true; events: OrderEvent[] } | { ok: false; error: OrderError };

/**
 * Only an active, non-erased customer of the directory may order; the shipping address is copied
 * into OrderPlaced as it is at that moment. Paying or cancelling twice changes nothing; a paid
 * order is not cancelled.
 */
export function decideOrder(command: OrderCommand, state: OrderState): Decision {
  switch (command.type) {
    case "PlaceOrder": {
      if (state.status !== "none") return state.orderId === command.orderId ? { ok: true, events: [] } : { ok: false, error: { code: "already_exists" } };
      const customer = command.customer;
      if (!customer) return { ok: false, error: { code: "customer_not_found" } };
      if (customer.status === "erased") return { ok: false, error: { code: "customer_erased" } };
      if (customer.status === "archived") return { ok: false, error: { code: "customer_archived" } };
      const { street, city, postalCode, country } = customer.address;
      const data = {
        orderId: command.orderId,
        customerId: customer.customerId,
        lines: command.lines,
        total: orderTotal(command.lines),
        shipTo: { name: customer.name, street, city, postalCode, country },
      };
      return { ok: true, events: [{ type: "OrderPlaced", data }] };
    }
    case "MarkPaid":
      if (state.status === "none") return { ok: false, error: { code: "not_found" } };
      if (state.status !== "placed") return { ok: true, events: [] };
      return { ok: true, events: [{ type: "OrderPaid", data: { orderId: state.orderId, amount: command.amount } }] };
    case "CancelOrder":
      if (state.status === "none") return { ok: false, error: { code: "not_found" } };
      if (state.status === "paid") return { ok: false, error: { code: "order_paid" } };
      if (state.status === "cancelled") return { ok: true, events: [] };
      return { ok: true, events: [{ type: "OrderCancelled", data: { orderId: state.orderId, reason: command.reason } }] };
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

export const orderStreamId = (orderId: string) => `Order-${orderId}`;
