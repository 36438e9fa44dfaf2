import { z } from "zod";
import type { CustomerCommand } from "./commands";
import { addressSchema, emailSchema, nameSchema, phoneSchema, reasonSchema } from "./schema";

/**
 * Any customer command as JSON, `{ type, …fields }`, validated like the command routes' bodies
 * (what-if previews: POST /api/streams/:streamId/what-if). The customer id comes from the stream.
 */
export const customerCommandInput = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("RegisterCustomer"), name: nameSchema, address: addressSchema, email: emailSchema.optional(), phone: phoneSchema.optional() }).strict(),
    z.object({ type: z.literal("RenameCustomer"), name: nameSchema }).strict(),
    z.object({ type: z.literal("ChangeCustomerAddress"), address: addressSchema }).strict(),
    z.object({ type: z.literal("ArchiveCustomer"), reason: reasonSchema }).strict(),
    z.object({ type: z.literal("ChangeCustomerContact"), email: emailSchema.optional(), phone: phoneSchema.optional() }).strict(),
    z.object({ type: z.literal("EraseCustomer"), reason: z.string({ error: "Reason must be text" }).trim().min(1, "A reason is required").max(500, "Reason must be at most 500 characters") }).strict(),
  ],
  { error: "type must be one of RegisterCustomer, RenameCustomer, ChangeCustomerAddress, ArchiveCustomer, ChangeCustomerContact, EraseCustomer" },
);

export type CustomerCommandInput = z.output<typeof customerCommandInput>;

/** The domain command for a customer id. */
export function toCustomerCommand(id: string, input: CustomerCommandInput): CustomerCommand {
  return input.type === "RegisterCustomer" ? { ...input, id, email: input.email ?? null, phone: input.phone ?? null } : input;
}
