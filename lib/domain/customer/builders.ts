import type { CustomerEvent } from "./events";
import type { Address } from "./schema";

/** Test data: events with sensible defaults; override only what the test is about. */
export const address = (overrides: Partial<Address> = {}): Address => ({
  street: "1 Analytical Row",
  city: "London",
  ...overrides,
});

export const registered = (
  data: { name?: string; address?: Address; email?: string | null; phone?: string | null } = {},
): CustomerEvent => ({
  type: "CustomerRegistered",
  data: { name: data.name ?? "Ada Lovelace", address: data.address ?? address(), email: data.email ?? null, phone: data.phone ?? null },
});

export const contactChanged = (
  next: { email?: string | null; phone?: string | null },
  old: { email?: string | null; phone?: string | null } = {},
): CustomerEvent => ({
  type: "CustomerContactChanged",
  data: { newEmail: next.email ?? null, oldEmail: old.email ?? null, newPhone: next.phone ?? null, oldPhone: old.phone ?? null },
});

export const erased = (reason = "GDPR request 42"): CustomerEvent => ({ type: "CustomerErased", data: { reason } });

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
