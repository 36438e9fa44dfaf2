import type { Address } from "./schema";

export type RegisterCustomer = { type: "RegisterCustomer"; id: string; name: string; address: Address };
export type RenameCustomer = { type: "RenameCustomer"; name: string };
export type ChangeCustomerAddress = { type: "ChangeCustomerAddress"; address: Address };
export type ArchiveCustomer = { type: "ArchiveCustomer"; reason?: string };

export type CustomerCommand = RegisterCustomer | RenameCustomer | ChangeCustomerAddress | ArchiveCustomer;
