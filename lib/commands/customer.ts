import { v7 as uuidv7 } from "uuid";
import type { CustomerCommand } from "@/lib/domain/customer/commands";
import { decide } from "@/lib/domain/customer/decide";
import type { CustomerError } from "@/lib/domain/customer/errors";
import { CUSTOMER_STREAM_TYPE, customerStreamId } from "@/lib/domain/customer/ids";
import type { CustomerEvent, CustomerEventEnvelope } from "@/lib/domain/customer/events";
import type { Address } from "@/lib/domain/customer/schema";
import { CUSTOMER_STATE_SHAPE, customerStateUpcasters, evolve, initialState, type CustomerState } from "@/lib/domain/customer/state";
import { customerStatePersonal } from "@/lib/domain/customer/events";
import { rawQuery, type Db } from "@/db/client";
import { deleteDataKey, hasSealed, type RecordedEvent } from "@/lib/eventstore";
import { parseJson } from "@/lib/eventstore/sql/rows";
import { clearCheckpoints } from "@/lib/timeline/checkpoints";
import { handleCommand, loadState, type CommandContext, type CommandResult, type Decider, type StreamFacts } from "./handle-command";

/** The customer aggregate's pure halves (lib/domain/customer), as a decider over recorded events. */
export const customerDecider: Decider<CustomerCommand, CustomerState, CustomerEvent, CustomerError> = {
  decide,
  evolve: (state, event) => evolve(state, event as unknown as CustomerEventEnvelope),
  initialState,
};

/** Customer streams: `Customer-<id>`, snapshots of CUSTOMER_STATE_SHAPE. */
export const customerStream: StreamFacts<CustomerState> = {
  streamType: CUSTOMER_STREAM_TYPE,
  shapeVersion: CUSTOMER_STATE_SHAPE,
  versionOf: (state) => (state.status === "unregistered" ? 0 : state.version),
  stateUpcasters: customerStateUpcasters,
  personal: customerStatePersonal,
};

export type CustomerCommandResult = CommandResult<CustomerError>;

const run = (id: string, commands: CustomerCommand | CustomerCommand[], ctx: CommandContext) =>
  handleCommand(customerDecider, customerStream, customerStreamId(id), commands, ctx);

export async function registerCustomer(
  input: { id?: string; name: string; address: Address; email?: string | null; phone?: string | null },
  ctx: CommandContext,
): Promise<CustomerCommandResult & { id: string }> {
  const id = input.id ?? uuidv7();
  const { name, address, email, phone } = input;
  const result = await run(id, { type: "RegisterCustomer", id, name, address, email, phone }, ctx);
  return { ...result, id };
}

export function renameCustomer(id: string, input: { name: string }, ctx: CommandContext) {
  return run(id, { type: "RenameCustomer", name: input.name }, ctx);
}

export function changeCustomerAddress(id: string, input: { address: Address }, ctx: CommandContext) {
  return run(id, { type: "ChangeCustomerAddress", address: input.address }, ctx);
}

export function archiveCustomer(id: string, input: { reason?: string }, ctx: CommandContext) {
  return run(id, { type: "ArchiveCustomer", reason: input.reason }, ctx);
}

/** Change email and/or phone: an absent field keeps its value, null clears it. */
export function changeCustomerContact(id: string, input: { email?: string | null; phone?: string | null }, ctx: CommandContext) {
  return run(id, { type: "ChangeCustomerContact", email: input.email, phone: input.phone }, ctx);
}

/**
 * Erase the customer's personal data (GDPR art. 17) by crypto-shredding: append CustomerErased
 * and delete the customer's data key in one transaction, after which every copy of its personal
 * fields (events, snapshots) is unreadable and reads ERASED. Nobody ever sees CustomerErased
 * while the key still opens the data (a publisher or projector reading just after the append),
 * nor a key gone without the event. When the customer is already erased (or the command is
 * replayed) the key is deleted again, which completes an erasure recorded before the two were
 * atomic whose deletion had failed; a no-op otherwise.
 *
 * A customer registered before encryption existed (legacy plaintext, see README "Legacy data") is
 * refused with customer_unerasable: its events hold the fields in the clear, the log may not be
 * rewritten, so deleting a key would erase nothing and the answer would be a lie.
 */
export async function eraseCustomer(id: string, input: { reason: string }, ctx: CommandContext): Promise<CustomerCommandResult> {
  const streamId = customerStreamId(id);
  if (await isLegacyPlaintext(ctx.store, streamId)) return { ok: false, error: { code: "customer_unerasable" } };
  const shred = async (tx: Db) => void (await deleteDataKey(tx, streamId));
  const result = await run(id, { type: "EraseCustomer", reason: input.reason }, { ...ctx, inAppendTransaction: shred });
  if (result.ok || result.error.code === "customer_erased") {
    if (!result.ok || result.duplicate) await deleteDataKey(ctx.store.db, streamId);
    ctx.store.codec.personal?.forget(streamId);
    // This process's timeline replays hold plaintext states: drop them with the key.
    clearCheckpoints(ctx.store);
  }
  return result;
}

/** The stream exists and its registration was stored in the clear (before encryption), or the store encrypts nothing. */
async function isLegacyPlaintext(store: CommandContext["store"], streamId: string): Promise<boolean> {
  const [first] = await rawQuery<{ data: unknown }>(store.db, "select data from events where stream_id = $1 and version = 1", [streamId]);
  if (!first) return false;
  return !store.codec.personal || !hasSealed(parseJson(first.data));
}

/** Rename and move in one atomic append (either, both, or neither when nothing changed). */
export function editCustomer(id: string, input: { name: string; address: Address }, ctx: CommandContext) {
  return run(
    id,
    [
      { type: "RenameCustomer", name: input.name },
      { type: "ChangeCustomerAddress", address: input.address },
    ],
    ctx,
  );
}

/** The customer's current state (snapshot + tail), or the unregistered state. */
export async function loadCustomer(store: CommandContext["store"], id: string, toVersion?: number) {
  return loadState(store, customerDecider, customerStream, customerStreamId(id), toVersion);
}

export type { RecordedEvent };
