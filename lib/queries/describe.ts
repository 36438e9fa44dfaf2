import { ERASED } from "@/lib/domain/customer/events";
import type { Address } from "@/lib/domain/customer/schema";

/* Pure helpers that put events and addresses into words; safe to import in client components. */

/** One line per change an event made, for people: `address.city: "Oslo" → "Bergen"`. */
export function describeEvent(event: { type: string; data: unknown }): string[] {
  const data = (event.data ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case "CustomerRegistered": {
      const address = data.address as Address | undefined;
      return [`registered as ${quote(data.name)}`, ...(address ? [`address: ${formatAddress(address)}`] : [])];
    }
    case "CustomerRenamed":
      return [`name: ${quote(data.oldName)} → ${quote(data.newName)}`];
    case "CustomerAddressUpdated":
      return addressChanges(data.oldAddress as Address | undefined, data.newAddress as Address | undefined);
    case "CustomerArchived":
      return [data.reason ? `archived: ${quote(data.reason)}` : "archived"];
    case "CustomerContactChanged":
      return [
        ...(data.oldEmail !== data.newEmail || data.newEmail === ERASED ? [`email: ${orNone(data.oldEmail)} → ${orNone(data.newEmail)}`] : []),
        ...(data.oldPhone !== data.newPhone || data.newPhone === ERASED ? [`phone: ${orNone(data.oldPhone)} → ${orNone(data.newPhone)}`] : []),
      ];
    case "CustomerErased":
      return [`personal data erased: ${quote(data.reason)}`];
    default:
      return [JSON.stringify(event.data)];
  }
}

const ADDRESS_FIELDS = ["street", "city", "region", "postalCode", "country"] as const;

function addressChanges(before: Address | undefined, after: Address | undefined): string[] {
  const lines: string[] = [];
  for (const field of ADDRESS_FIELDS) {
    const a = before?.[field];
    const b = after?.[field];
    // Erased values compare equal; the field may still have changed, so it is listed as such.
    if ((a ?? "") !== (b ?? "") || a === ERASED) lines.push(`address.${field}: ${a === undefined ? "(none)" : quote(a)} → ${b === undefined ? "(none)" : quote(b)}`);
  }
  return lines.length ? lines : ["address unchanged"];
}

export function formatAddress(address: Partial<Address>): string {
  const cityLine = [address.postalCode, address.city].filter(Boolean).join(" ");
  return [address.street, cityLine, address.region, address.country].filter(Boolean).join(", ");
}

const quote = (value: unknown) => JSON.stringify(value ?? "");
const orNone = (value: unknown) => (value === null || value === undefined ? "(none)" : quote(value));


