/* Which fields an event changed, in words for people ("postal code"); pure, safe in client code. */

const ADDRESS_LABELS: Record<string, string> = { street: "street", city: "city", region: "region", postalCode: "postal code", country: "country" };

/** The fields a customer event changed, as a short list of words (no values: safe to show anywhere). */
export function changedFieldNames(event: { type: string; data: unknown }): string[] {
  const data = (event.data ?? {}) as Record<string, unknown>;
  switch (event.type) {
    case "CustomerRenamed":
      return ["name"];
    case "CustomerAddressUpdated": {
      const before = (data.oldAddress ?? {}) as Record<string, unknown>;
      const after = (data.newAddress ?? {}) as Record<string, unknown>;
      const fields = Object.keys(ADDRESS_LABELS).filter((key) => (before[key] ?? "") !== (after[key] ?? ""));
      return fields.length ? fields.map((key) => ADDRESS_LABELS[key]) : ["address"];
    }
    case "CustomerContactChanged":
      return [...(data.oldEmail !== data.newEmail ? ["email"] : []), ...(data.oldPhone !== data.newPhone ? ["phone"] : [])];
    case "CustomerArchived":
      return ["archived"];
    case "CustomerErased":
      return ["personal data erased"];
    default:
      return [event.type];
  }
}
