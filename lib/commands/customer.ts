import { v7 as uuidv7 } from "uuid";
import type { CustomerCommand } from "@/lib/domain/customer/commands";
import { decide, decideAll } from "@/lib/domain/customer/decide";
import type { CustomerError } from "@/lib/domain/customer/errors";
import { customerStreamId, type CustomerEvent, type CustomerEventEnvelope } from "@/lib/domain/customer/events";
import type { Address } from "@/lib/domain/customer/schema";
import { CUSTOMER_STATE_SHAPE, evolve, initialState, type CustomerState } from "@/lib/domain/customer/state";
import type { RecordedEvent } from "@/lib/eventstore";
import { handleCommand, loadState, type CommandContext, type CommandResult, type Decider } from "./handle-command";

/** A composite edit: several customer commands decided in order and appended at once. */
type CustomerCommands = { type: "Many"; commands: CustomerCommand[] };

export const customerDecider: Decider<CustomerCommand | CustomerCommands, CustomerState, CustomerEvent, CustomerError> = {
  streamType: "Customer",
  shapeVersion: CUSTOMER_STATE_SHAPE,
  initialState,
  evolve: (state, event) => evolve(state, event as unknown as CustomerEventEnvelope),
  versionOf: (state) => (state.status === "unregistered" ? 0 : state.version),
  decide: (command, state) =>
    command.type === "Many"
      ? decideAll(command.commands, state, { streamId: "", timestamp: new Date(0).toISOString() })
      : decide(command, state),
};

export type CustomerCommandResult = CommandResult<CustomerError>;

export async function registerCustomer(
  input: { id?: string; name: string; address: Address },
  ctx: CommandContext,
): Promise<CustomerCommandResult & { id: string }> {
  const id = input.id ?? uuidv7();
  const result = await handleCommand(
    customerDecider,
    customerStreamId(id),
    { type: "RegisterCustomer", id, name: input.name, address: input.address },
    ctx,
  );
  return { ...result, id };
}

export function renameCustomer(id: string, input: { name: string }, ctx: CommandContext) {
  return handleCommand(customerDecider, customerStreamId(id), { type: "RenameCustomer", name: input.name }, ctx);
}

export function changeCustomerAddress(id: string, input: { address: Address }, ctx: CommandContext) {
  return handleCommand(customerDecider, customerStreamId(id), { type: "ChangeCustomerAddress", address: input.address }, ctx);
}

export function archiveCustomer(id: string, input: { reason?: string }, ctx: CommandContext) {
  return handleCommand(customerDecider, customerStreamId(id), { type: "ArchiveCustomer", reason: input.reason }, ctx);
}

/** Rename and move in one atomic append (either, both, or neither when nothing changed). */
export function editCustomer(id: string, input: { name: string; address: Address }, ctx: CommandContext) {
  return handleCommand(
    customerDecider,
    customerStreamId(id),
    {
      type: "Many",
      commands: [
        { type: "RenameCustomer", name: input.name },
        { type: "ChangeCustomerAddress", address: input.address },
      ],
    },
    ctx,
  );
}

/** The customer's current state (snapshot + tail), or the unregistered state. */
export async function loadCustomer(store: CommandContext["store"], id: string, toVersion?: number) {
  return loadState(store, customerDecider, customerStreamId(id), toVersion);
}

export type { RecordedEvent };
