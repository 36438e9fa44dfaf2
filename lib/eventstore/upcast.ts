import { sql } from "drizzle-orm";
import { query, type Db } from "@/db/client";
import { LedgerError } from "@/lib/errors";
import type { EventRegistry, RecordedEvent } from "./types";

/** A stored (type, schema version) that the registry cannot bring to the current version. */
export class MissingUpcasterError extends LedgerError {
  static override readonly code = "missing_upcaster";
  static override readonly errorName = "MissingUpcasterError";
  declare readonly code: "missing_upcaster";
  constructor(
    readonly type: string,
    readonly schemaVersion: number,
    why: string,
  ) {
    super(`Stored events of type ${type} schema version ${schemaVersion} cannot be read: ${why}`);
  }
}

/**
 * The event as the current schema version: each upcaster from its stored version on, applied in
 * turn. Pure. The stored version and data are kept in `stored` (the timeline shows both). An event
 * already current, or of a type the registry does not know, is returned as it is.
 */
export function upcastEvent(registry: EventRegistry, event: RecordedEvent): RecordedEvent {
  const entry = registry[event.type];
  if (!entry || event.schemaVersion >= entry.schemaVersion) return event;
  let data = event.data;
  for (let version = event.schemaVersion; version < entry.schemaVersion; version++) {
    const step = entry.upcasters?.[version];
    if (!step) throw new MissingUpcasterError(event.type, event.schemaVersion, `no upcaster from version ${version}`);
    data = step(data);
  }
  return { ...event, schemaVersion: entry.schemaVersion, data, stored: { schemaVersion: event.schemaVersion, data: event.data } };
}

/** Throws MissingUpcasterError for the first stored (type, version) without a path to current. */
export function checkUpcasters(registry: EventRegistry, stored: readonly { type: string; schemaVersion: number }[]): void {
  for (const { type, schemaVersion } of stored) {
    const entry = registry[type];
    if (!entry) throw new MissingUpcasterError(type, schemaVersion, "the event type is not registered");
    if (schemaVersion > entry.schemaVersion) {
      throw new MissingUpcasterError(type, schemaVersion, `newer than this code's version ${entry.schemaVersion}`);
    }
    for (let version = schemaVersion; version < entry.schemaVersion; version++) {
      if (!entry.upcasters?.[version]) {
        throw new MissingUpcasterError(type, schemaVersion, `no upcaster from version ${version} to ${version + 1}`);
      }
    }
  }
}

/**
 * The start-up check: every (type, schema version) in the log has an upcaster chain to the
 * current version, so a missing one fails the start, naming type and version, rather than the
 * first read that meets it. One scan of the log; run once per process.
 */
export async function checkStoredVersions(db: Db, registry: EventRegistry): Promise<void> {
  const rows = await query<{ type: string; schemaVersion: number }>(
    db,
    sql`select distinct type, schema_version as "schemaVersion" from events`,
  );
  checkUpcasters(registry, rows.map((row) => ({ type: row.type, schemaVersion: Number(row.schemaVersion) })));
}
