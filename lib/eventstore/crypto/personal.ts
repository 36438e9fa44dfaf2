import type { Db } from "@/db/client";
import { open, seal, unwrapKey } from "./cipher";
import { rawQuery } from "@/db/client";
import { LedgerError } from "@/lib/errors";
import { ensureDataKey, wrappedKeysOf } from "./data-keys";

/** How an encrypted field is stored: an object, so no typed string can ever look like one. */
export type SealedField = { $enc: string };

const isSealed = (value: unknown): value is SealedField =>
  typeof value === "object" && value !== null && typeof (value as SealedField).$enc === "string" && Object.keys(value).length === 1;

/** Whether a JSON value holds any encrypted field (anywhere inside). */
export function hasSealed(value: unknown): boolean {
  if (isSealed(value)) return true;
  if (Array.isArray(value)) return value.some(hasSealed);
  if (value && typeof value === "object") return Object.values(value).some(hasSealed);
  return false;
}

/** A copy of `value` with the string at each dot path replaced by `fn(string)`; others kept. */
export function mapPaths(value: unknown, paths: readonly string[], fn: (text: string) => unknown): unknown {
  if (!value || typeof value !== "object") return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const nested = new Map<string, string[]>();
  for (const path of paths) {
    const dot = path.indexOf(".");
    if (dot < 0) {
      if (typeof out[path] === "string") out[path] = fn(out[path] as string);
    } else {
      const head = path.slice(0, dot);
      nested.set(head, [...(nested.get(head) ?? []), path.slice(dot + 1)]);
    }
  }
  for (const [head, rest] of nested) out[head] = mapPaths(out[head], rest, fn);
  return out;
}

/** A copy of `value` with every sealed field replaced by `fn(sealed)`. */
function mapSealed(value: unknown, fn: (sealed: SealedField) => unknown): unknown {
  if (isSealed(value)) return fn(value);
  if (Array.isArray(value)) return value.map((item) => mapSealed(item, fn));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapSealed(item, fn)]));
  }
  return value;
}

export interface PersonalDataOptions {
  master: Buffer;
  /** What a reader sees in place of a field whose key was deleted. */
  erased: string;
}

/**
 * Encrypts personal fields with the stream's data key, and decrypts them on read. A stream whose
 * key is gone (erased) reads ERASED in every sealed field; plaintext (legacy) fields pass as they
 * are.
 *
 * Reads look keys up per call (one query for a batch), never from a cache, so an erasure is seen
 * by every process at once. Sealing may use a key this process saw recently (on a read, or when it
 * sealed before): a command loads its stream just before it appends, so this saves the append a
 * round trip. It cannot undo an erasure: a writer deciding on state read after the erasure is
 * refused by the domain, one deciding on older state fails its version check (the erasure
 * appended), and ciphertext under a deleted key could only ever read ERASED.
 */
export class PersonalData {
  /** Recently used keys for sealing only, oldest first; bounded. */
  private readonly sealKeys = new Map<string, Buffer>();
  private static readonly SEAL_KEYS_MAX = 10_000;

  constructor(private readonly options: PersonalDataOptions) {}

  /** Drop the stream's key from this process's sealing cache (its erasure). */
  forget(streamId: string): void {
    this.sealKeys.delete(streamId);
  }

  private remember(streamId: string, key: Buffer): void {
    this.sealKeys.delete(streamId);
    this.sealKeys.set(streamId, key);
    if (this.sealKeys.size > PersonalData.SEAL_KEYS_MAX) this.sealKeys.delete(this.sealKeys.keys().next().value!);
  }

  /** `value` with the strings at `paths` sealed by the stream's key (created when missing). */
  async seal(db: Db, streamId: string, items: readonly { value: unknown; paths: readonly string[] }[]): Promise<unknown[]> {
    if (!items.some((item) => item.paths.length)) return items.map((item) => item.value);
    const key = this.sealKeys.get(streamId) ?? (await ensureDataKey(db, this.options.master, streamId));
    if (key) this.remember(streamId, key);
    // No key on an existing stream: it was erased (every command on it is refused once decided
    // on fresh state) or predates encryption (legacy, stored in the clear).
    if (!key) {
      if (await isLegacyPlaintext(db, streamId)) return items.map((item) => item.value);
      throw new PersonalDataErasedError(streamId);
    }
    return items.map(({ value, paths }) =>
      mapPaths(value, paths, (text): SealedField => ({ $enc: seal(key, Buffer.from(text, "utf8"), streamId) })),
    );
  }

  /** The stream ids' keys, unwrapped; a missing stream has been erased (or never had a key). */
  async keysOf(db: Db, streamIds: Iterable<string>): Promise<Map<string, Buffer>> {
    const ids = [...new Set(streamIds)];
    const wrapped = await wrappedKeysOf(db, ids);
    const keys = new Map<string, Buffer>();
    for (const streamId of ids) {
      const text = wrapped.get(streamId);
      if (text === undefined) {
        this.forget(streamId);
        continue;
      }
      const key = this.sealKeys.get(streamId) ?? unwrapKey(this.options.master, streamId, text);
      keys.set(streamId, key);
      this.remember(streamId, key);
    }
    return keys;
  }

  /** `value` with each sealed field opened by the stream's key, or ERASED without one. */
  open(value: unknown, streamId: string, key: Buffer | undefined): unknown {
    return mapSealed(value, (sealed) => (key ? open(key, sealed.$enc, streamId).toString("utf8") : this.options.erased));
  }
}

/** The stream's first event was stored without sealed fields: it was written before encryption. */
async function isLegacyPlaintext(db: Db, streamId: string): Promise<boolean> {
  const [first] = await rawQuery<{ sealed: boolean }>(
    db,
    `select position('"$enc"' in data::text) > 0 as sealed from events where stream_id = $1 order by version limit 1`,
    [streamId],
  );
  return first !== undefined && !first.sealed;
}

/** An append tried to write personal data to a stream whose key was deleted (erased). */
export class PersonalDataErasedError extends LedgerError {
  static override readonly code = "customer_erased";
  static override readonly errorName = "PersonalDataErasedError";
  constructor(readonly streamId: string) {
    super(`The personal data of ${streamId} was erased; nothing personal can be written to it again`);
  }
}
