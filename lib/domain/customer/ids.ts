import { z } from "zod";

/** The customer ids and stream ids, defined once. */

export const CUSTOMER_STREAM_TYPE = "Customer";

const uuid = z.uuid();

/** A customer id is a uuid (any case; stored lower case). */
export const isUuid = (value: unknown): value is string => uuid.safeParse(value).success;

/** The one place a customer's stream id is built. */
export const customerStreamId = (id: string) => `${CUSTOMER_STREAM_TYPE}-${id}`;

/** The customer id of a stream id, or null when it is not a customer stream. */
export function customerIdOf(streamId: string): string | null {
  const prefix = `${CUSTOMER_STREAM_TYPE}-`;
  return streamId.startsWith(prefix) ? streamId.slice(prefix.length) : null;
}

/** Whether a stream id names a customer stream. */
export const isCustomerStream = (streamId: string) => customerIdOf(streamId) !== null;
