import type { Address } from "./schema";

export type RegisterCustomer = {
  type: "RegisterCustomer";
  id: string;
  name: string;
  address: Address;
  email?: string | null;
  phone?: string | null;
};
export type RenameCustomer = { type: "RenameCustomer"; name: string };
export type ChangeCustomerAddress = { type: "ChangeCustomerAddress"; address: Address };
export type ArchiveCustomer = { type: "ArchiveCustomer"; reason?: string };

/** An absent field keeps its current value; null clears it. */
export type ChangeCustomerContact = { type: "ChangeCustomerContact"; email?: string | null; phone?: string | null };
export type EraseCustomer = { type: "EraseCustomer"; reason: string };

export type CustomerCommand =
  | RegisterCustomer
  | RenameCustomer
  | ChangeCustomerAddress
  | ArchiveCustomer
  | ChangeCustomerContact
  | EraseCustomer;
