import type { ChangeCustomerContact, CustomerCommand } from "./commands";
import type { CustomerError } from "./errors";
import type { CustomerEvent } from "./events";
import { sameAddress } from "./schema";
import type { CustomerState, RegisteredCustomer } from "./state";

export type Decision = { ok: true; events: CustomerEvent[] } | { ok: false; error: CustomerError };

/**
 * Pure: the events a command produces against a state, or why it is refused. `events: []`
 * means the command changes nothing. Time is an argument so that a retry re-runs it exactly.
 */
export function decide(command: CustomerCommand, state: CustomerState): Decision {
  if (command.type === "RegisterCustomer") {
    if (state.status !== "unregistered") return reject("already_exists");
    const { name, address } = command;
    return accept({ type: "CustomerRegistered", data: { name, address, email: command.email ?? null, phone: command.phone ?? null } });
  }
  if (state.status === "unregistered") return reject("not_found");
  // Erased comes first: an erased customer is refused everything, archived or not.
  if (state.erased) return reject("customer_erased");
  if (command.type === "EraseCustomer") return accept({ type: "CustomerErased", data: { reason: command.reason } });
  if (state.status === "archived") return reject("customer_archived");
  switch (command.type) {
    case "RenameCustomer":
      if (state.name === command.name) return accept();
      return accept({ type: "CustomerRenamed", data: { newName: command.name, oldName: state.name } });
    case "ChangeCustomerAddress":
      if (sameAddress(state.address, command.address)) return accept();
      return accept({ type: "CustomerAddressUpdated", data: { newAddress: command.address, oldAddress: state.address } });
    case "ArchiveCustomer":
      return accept({ type: "CustomerArchived", data: command.reason ? { reason: command.reason } : {} });
    case "ChangeCustomerContact":
      return changeContact(command, state);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function changeContact(command: ChangeCustomerContact, state: RegisteredCustomer): Decision {
  const newEmail = command.email === undefined ? state.email : command.email;
  const newPhone = command.phone === undefined ? state.phone : command.phone;
  if (newEmail === state.email && newPhone === state.phone) return accept();
  return accept({
    type: "CustomerContactChanged",
    data: { newEmail, oldEmail: state.email, newPhone, oldPhone: state.phone },
  });
}

const accept = (...events: CustomerEvent[]): Decision => ({ ok: true, events });
const reject = (code: CustomerError["code"]): Decision => ({ ok: false, error: { code } as CustomerError });
