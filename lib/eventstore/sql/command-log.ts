import { eq } from "drizzle-orm";
import type { Db } from "@/db/client";
import { commands } from "@/db/schema";

/**
 * The command log: the outcome of every command id that reached the store, so that the same id
 * again returns the first outcome. Appends record theirs inside `ledger_append`; a command that
 * changed nothing is recorded here.
 */
export interface CommandRecord {
  streamId: string;
  version: number | null;
  /** The last position appended, or null when the command changed nothing. */
  position: number | null;
}

/** The stored outcome of a command id, if it reached the store. */
export async function findCommand(db: Db, commandId: string): Promise<CommandRecord | null> {
  const [row] = await db.select().from(commands).where(eq(commands.commandId, commandId));
  if (!row) return null;
  return { streamId: row.streamId, version: row.version ?? null, position: row.position ?? null };
}

/**
 * Record a command that changed nothing, so that replaying its id returns the same outcome.
 * Returns false when the id was already recorded.
 */
export async function recordCommand(db: Db, commandId: string, streamId: string, version: number): Promise<boolean> {
  const rows = await db
    .insert(commands)
    .values({ commandId, streamId, version, position: null })
    .onConflictDoNothing()
    .returning({ commandId: commands.commandId });
  return rows.length > 0;
}
