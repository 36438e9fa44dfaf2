import type { CustomerCommand } from "./commands";
import type { CustomerError } from "./errors";
import type { CustomerEvent } from "./events";
import { sameAddress } from "./schema";
import { evolve, type CustomerState } from "./state";

export type Decision = { ok: true; events: CustomerEvent[] } | { ok: false; error: CustomerError };

/**
 * Pure: the events a command produces against a state, or why it is refused. `events: []`
 * means the command changes nothing. Time is an argument so that a retry re-runs it exactly.
 */
export function decide(command: CustomerCommand, state: CustomerState): Decision {
  switch (command.type) {
    case "RegisterCustomer":
      if (state.status !== "unregistered") return reject("already_exists");
      return accept({ type: "CustomerRegistered", data: { name: command.name, address: command.address } });
    case "RenameCustomer":
      if (state.status === "unregistered") return reject("not_found");
      if (state.status === "archived") return reject("customer_archived");
      if (state.name === command.name) return accept();
      return accept({ type: "CustomerRenamed", data: { newName: command.name, oldName: state.name } });
    case "ChangeCustomerAddress":
      if (state.status === "unregistered") return reject("not_found");
      if (state.status === "archived") return reject("customer_archived");
      if (sameAddress(state.address, command.address)) return accept();
      return accept({
        type: "CustomerAddressUpdated",
        data: { newAddress: command.address, oldAddress: state.address },
      });
    case "ArchiveCustomer":
      if (state.status === "unregistered") return reject("not_found");
      if (state.status === "archived") return reject("customer_archived");
      return accept({ type: "CustomerArchived", data: command.reason ? { reason: command.reason } : {} });
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

/**
 * Run several commands in order, folding each step's events into the state before the next,
 * so that the whole edit is appended at once (or refused as a whole).
 */
export function decideAll(
  commands: readonly CustomerCommand[],
  state: CustomerState,
  envelope: { streamId: string; timestamp: string },
): Decision {
  const all: CustomerEvent[] = [];
  let current = state;
  for (const command of commands) {
    const decision = decide(command, current);
    if (!decision.ok) return decision;
    for (const event of decision.events) {
      const version = (current.status === "unregistered" ? 0 : current.version) + 1;
      current = evolve(current, { ...event, streamId: envelope.streamId, version, timestamp: envelope.timestamp });
      all.push(event);
    }
  }
  return { ok: true, events: all };
}

const accept = (...events: CustomerEvent[]): Decision => ({ ok: true, events });
const reject = (code: CustomerError["code"]): Decision => ({ ok: false, error: { code } as CustomerError });
