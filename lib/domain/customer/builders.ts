import type { CustomerEvent } from "./events";
import type { Address } from "./schema";

/** Test data: events with sensible defaults; override only what the test is about. */
export const address = (overrides: Partial<Address> = {}): Address => ({
  street: "1 Analytical Row",
  city: "London",
  ...overrides,
});

export const registered = (data: { name?: string; address?: Address } = {}): CustomerEvent => ({
  type: "CustomerRegistered",
  data: { name: data.name ?? "Ada Lovelace", address: data.address ?? address() },
});

export const renamed = (newName: string, oldName = "Ada Lovelace"): CustomerEvent => ({
  type: "CustomerRenamed",
  data: { newName, oldName },
});

export const addressUpdated = (newAddress: Address, oldAddress: Address = address()): CustomerEvent => ({
  type: "CustomerAddressUpdated",
  data: { newAddress, oldAddress },
});

export const archived = (reason?: string): CustomerEvent => ({
  type: "CustomerArchived",
  data: reason ? { reason } : {},
});
