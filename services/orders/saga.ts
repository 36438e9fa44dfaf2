import { z } from "zod";
import type { EventStore } from "@/lib/eventstore";
import type { PublishedEvent } from "@/lib/publisher/message";
import { handle } from "../shared/aggregate";
import { decideOrder, evolveOrder, initialOrderState, orderStreamId, type OrderCommand } from "./order";

const paymentData = z.object({ orderId: z.string(), amount: z.number(), reason: z.string().optional() });
const decider = { initialState: initialOrderState, evolve: evolveOrder, decide: decideOrder };

/**
 * The process manager of an order's payment: PaymentCaptured → OrderPaid, PaymentDeclined →
 * OrderCancelled. Its state is the order's own stream (`Order-<orderId>`), appended through
 * `store` (on the consumer's transaction, so the append and the message's record commit together).
 */
export async function reactToPayment(store: EventStore, event: PublishedEvent, log: Pick<Console, "warn"> = console): Promise<void> {
  const data = paymentData.safeParse(event.data);
  if (!data.success) return log.warn(`[orders] unreadable ${event.type} ${event.id}: skipped`);
  let command: OrderCommand;
  if (event.type === "PaymentCaptured") command = { type: "MarkPaid", amount: data.data.amount };
  else if (event.type === "PaymentDeclined") command = { type: "CancelOrder", reason: `payment declined: ${data.data.reason ?? "unknown"}` };
  else return;
  const result = await handle(store, decider, orderStreamId(data.data.orderId), command, { actor: "orders-saga", causationId: event.id });
  if (!result.ok) log.warn(`[orders] ${event.type} for order ${data.data.orderId}: ${result.error.code}`);
}
