import type { Address } from "./schema";
import { customerIdOf, ERASED, type CustomerEventEnvelope } from "./events";

export type CustomerState =
  | { status: "unregistered" }
  | {
      status: "active" | "archived";
      id: string;
      name: string;
      address: Address;
      email: string | null;
      phone: string | null;
      /** CustomerErased: personal fields show ERASED and every command is refused. */
      erased: boolean;
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
export const CUSTOMER_STATE_SHAPE = 2;

/**
 * Snapshot state upcasters: `customerStateUpcasters[n]` turns a shape-n state into shape n+1, so a
 * snapshot of an older shape is read, not thrown away. Shape 1 had no contact details or erasure.
 */
export const customerStateUpcasters: Record<number, (state: unknown) => unknown> = {
  1: (state) => {
    const s = state as { status: string };
    return s.status === "unregistered" ? s : { email: null, phone: null, erased: false, ...s };
  },
};

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
        email: event.data.email ?? null,
        phone: event.data.phone ?? null,
        erased: false,
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
    case "CustomerContactChanged":
      if (state.status === "unregistered") return state;
      return { ...state, email: event.data.newEmail, phone: event.data.newPhone, version: event.version, updatedAt: event.timestamp };
    case "CustomerErased":
      if (state.status === "unregistered") return state;
      return { ...erasedState(state), version: event.version, updatedAt: event.timestamp };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/**
 * The state with its personal fields erased. A reader without the key already sees ERASED in
 * them; this makes a state folded earlier (a cache) say the same the moment the key is deleted.
 */
function erasedState(state: RegisteredCustomer): RegisteredCustomer {
  const address: Address = { ...state.address, street: ERASED };
  if (address.postalCode) address.postalCode = ERASED;
  return {
    ...state,
    name: ERASED,
    address,
    email: state.email ? ERASED : null,
    phone: state.phone ? ERASED : null,
    erased: true,
  };
}

/** Fold a sequence of events onto a state. */
export function fold(events: Iterable<CustomerEventEnvelope>, state: CustomerState = initialState()): CustomerState {
  let current = state;
  for (const event of events) current = evolve(current, event);
  return current;
}
