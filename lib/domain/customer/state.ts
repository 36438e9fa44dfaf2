import type { Address } from "./schema";
import { customerIdOf, type CustomerEventEnvelope } from "./events";

export type CustomerState =
  | { status: "unregistered" }
  | {
      status: "active" | "archived";
      id: string;
      name: string;
      address: Address;
      version: number;
      registeredAt: string;
      updatedAt: string;
      archivedAt?: string;
      archiveReason?: string;
    };

export type RegisteredCustomer = Exclude<CustomerState, { status: "unregistered" }>;

/**
 * Version of the state's shape. Bump it whenever CustomerState changes: snapshots written with
 * another shape are then ignored instead of misread.
 */
export const CUSTOMER_STATE_SHAPE = 1;

export const initialState = (): CustomerState => ({ status: "unregistered" });

/**
 * Apply one recorded event. Total: a recorded event is a fact, so an event that does not fit
 * the state (which the write side never appends) is still folded as best it can be.
 */
export function evolve(state: CustomerState, event: CustomerEventEnvelope): CustomerState {
  switch (event.type) {
    case "CustomerRegistered":
      return {
        status: "active",
        id: customerIdOf(event.streamId) ?? event.streamId,
        name: event.data.name,
        address: event.data.address,
        version: event.version,
        registeredAt: event.timestamp,
        updatedAt: event.timestamp,
      };
    case "CustomerRenamed":
      if (state.status === "unregistered") return state;
      return { ...state, name: event.data.newName, version: event.version, updatedAt: event.timestamp };
    case "CustomerAddressUpdated":
      if (state.status === "unregistered") return state;
      return { ...state, address: event.data.newAddress, version: event.version, updatedAt: event.timestamp };
    case "CustomerArchived": {
      if (state.status === "unregistered") return state;
      const next: RegisteredCustomer = {
        ...state,
        status: "archived",
        version: event.version,
        updatedAt: event.timestamp,
        archivedAt: event.timestamp,
      };
      if (event.data.reason) next.archiveReason = event.data.reason;
      else delete next.archiveReason;
      return next;
    }
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** Fold a sequence of events onto a state. */
export function fold(events: Iterable<CustomerEventEnvelope>, state: CustomerState = initialState()): CustomerState {
  let current = state;
  for (const event of events) current = evolve(current, event);
  return current;
}
