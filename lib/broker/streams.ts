import { JetStreamApiError, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from "@nats-io/jetstream";

export interface StreamSpec {
  name: string;
  subjects: string[];
  /** How long the broker remembers a Nats-Msg-Id to drop a repeat (ms). */
  duplicateWindowMs: number;
}

const NS_PER_MS = 1_000_000;

/**
 * Create the JetStream stream, or update it to `spec` when it exists with another config. File
 * storage, limits retention (consumers read at their own pace; nothing is removed on ack).
 * `streams.add` with a changed config throws (10058), hence the update (STACK.md).
 */
export async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  const wanted: Partial<StreamConfig> & { name: string } = {
    name: spec.name,
    subjects: spec.subjects,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    duplicate_window: spec.duplicateWindowMs * NS_PER_MS,
  };
  const existing = await jsm.streams.info(spec.name).catch((error: unknown) => {
    if (isNotFound(error)) return null;
    throw error;
  });
  if (!existing) {
    try {
      await jsm.streams.add(wanted);
      return;
    } catch (error) {
      // Another process created it meanwhile: fall through to the update.
      if (!(error instanceof JetStreamApiError)) throw error;
    }
  }
  const current = existing?.config ?? (await jsm.streams.info(spec.name)).config;
  const same =
    current.duplicate_window === wanted.duplicate_window &&
    spec.subjects.every((s) => current.subjects?.includes(s)) &&
    current.subjects?.length === spec.subjects.length;
  if (!same) await jsm.streams.update(spec.name, { subjects: spec.subjects, duplicate_window: wanted.duplicate_window });
}

export function isNotFound(error: unknown): boolean {
  if (error instanceof JetStreamApiError) return error.status === 404 || error.code === 10059 || error.code === 10014;
  return /not found/i.test(String((error as Error)?.message ?? error));
}
